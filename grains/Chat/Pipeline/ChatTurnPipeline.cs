using System.Diagnostics;
using System.Runtime.CompilerServices;
using KnowledgeBase.Grains.Accounting;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Models;
using KnowledgeBase.Grains.Permissions;
using KnowledgeBase.Grains.Telemetry;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Chat.Pipeline;

/// <summary>A chat turn's steps, in order: access → tag → rewrite → retrieve (→ the model's queries, fused) → select → prompt → stream → cite. Stateless: the
/// session grain admits the turn, runs this, and settles the turn once with what the steps left in it. A step that
/// fails sets the turn's error and ends the stream; the grain reports it after settling.</summary>
public sealed class ChatTurnPipeline(
    IntentTagger tagger,
    QueryRewriter rewriter,
    RetrievalStep retrieval,
    SourceSelector selector,
    PromptBuilder prompts,
    AnswerStreamStep answer,
    ITokenCounter tokens,
    PriceTable prices,
    PermissionCache permissions,
    SourceAccess sourceAccess,
    IOptions<KnowledgeBaseOptions> options)
{
    public string ModelId => answer.ModelId;

    /// <summary>The most a question can cost before its prompt is built: what admission reserves.</summary>
    public long WorstCaseTokens(string question) =>
        rewriter.WorstCaseTokens(question) + prompts.WorstCasePromptTokens(question) + options.Value.MaxCompletionTokens;

    public async IAsyncEnumerable<ChatEvent> RunAsync(ChatTurn turn, UserBudget budget, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // What the caller may read, as of now: retrieval filters by it and the history is cut to it.
        turn.Access = await permissions.AccessAsync(turn.Caller);

        // Tag.
        var step = Stopwatch.GetTimestamp();
        turn.Tagging = tagger.Tag(turn.Question);
        turn.TaggingMs = Stopwatch.GetElapsedTime(step).TotalMilliseconds;
        yield return new MetaEvent(turn.ConversationId, turn.MessageId, turn.Tagging.Intent, turn.Tagging.Tags);

        // Rewrite (a follow-up becomes searchable with the previous turn's query), then retrieve; with a model, its
        // standalone queries are searched too and fused, unless nothing readable matched at all (an empty library asks no model).
        step = Stopwatch.GetTimestamp();
        // A regenerated or edited question does not see the turn it replaces.
        turn.History = turn.IsNewConversation ? [] : sourceAccess.Apply((await turn.Conversation.RecentAsync(PromptBuilder.HistoryTurns + 1))
            .Where(t => t.MessageId != turn.Replaces).TakeLast(PromptBuilder.HistoryTurns).ToList(), turn.Access);
        turn.RetrievalQuery = rewriter.Rewrite(turn.Question, turn.History.LastOrDefault()?.RetrievalQuery);
        await retrieval.RunAsync(turn, cancellationToken);
        if (turn.Error is null && turn.Candidates.Count > 0 && rewriter.UsesModel)
        {
            var rewrite = await rewriter.ModelQueriesAsync(turn.Question, turn.RetrievalQuery, turn.History, options.Value.ModelIdleTimeout, cancellationToken);
            turn.ModelQueries = rewrite.Queries;
            turn.RewriteUsage = rewrite.Usage;
            await retrieval.FuseModelQueriesAsync(turn, cancellationToken);
        }
        turn.RetrievalMs = Stopwatch.GetElapsedTime(step).TotalMilliseconds;
        if (turn.Error is not null) yield break;

        // Select and build the prompt, sized with the tokenizer; the reservation shrinks to the prompt's real worst case.
        var relevant = Select(turn).Take(options.Value.RetrievalTopK).ToList();
        using (KnowledgeBaseTelemetry.Source.StartActivity("prompt.build")) turn.Prompt = prompts.Build(turn.Question, turn.History, relevant);
        turn.Prompt = turn.Prompt with { Sources = turn.Prompt.Sources.Select(s => s with { Restricted = !turn.Access.IsPublic(s.CollectionId) }).ToList() };
        yield return new SourcesEvent(turn.Prompt.Sources);

        // Nothing a question about the documents could be answered from: say so without asking (and paying) the model.
        if (relevant.Count == 0 && turn.Tagging!.Intent != "chit_chat")
        {
            turn.ModelSkipped = true;
            budget.Resize(turn.Reservation, RewriteTokens(turn));
            turn.Filter = new CitationFilter(0);
            var text = turn.Filter.Push(ExtractiveChatClient.NotFound(turn.Question)) + turn.Filter.Flush();
            turn.Completed = true;
            yield return new DeltaEvent(text);
            yield break;
        }
        budget.Resize(turn.Reservation, RewriteTokens(turn) + turn.Prompt.PromptTokens + options.Value.MaxCompletionTokens);

        // Stream the answer, citations checked as it goes.
        step = Stopwatch.GetTimestamp();
        await foreach (var delta in answer.RunAsync(turn, cancellationToken)) yield return delta;
        turn.GenerationMs = Stopwatch.GetElapsedTime(step).TotalMilliseconds;
    }

    /// <summary>The candidates that pass the relevance gate for the user's query or, with a model, for any of its queries;
    /// in the fused order.</summary>
    private IEnumerable<SearchHit> Select(ChatTurn turn)
    {
        if (turn.ModelQueries.Count == 0) return selector.Select(turn.RetrievalQuery!, turn.Candidates);
        var passing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var query in turn.ModelQueries.Prepend(turn.RetrievalQuery!))
            foreach (var hit in selector.Select(query, turn.Candidates)) passing.Add(hit.ChunkId);
        return turn.Candidates.Where(h => passing.Contains(h.ChunkId));
    }

    private static long RewriteTokens(ChatTurn turn) => (turn.RewriteUsage?.InputTokenCount ?? 0) + (turn.RewriteUsage?.OutputTokenCount ?? 0);

    /// <summary>What the turn used: the model's query rewrite, if it was asked, and the answer: the model's own count when
    /// it reported one, the tokenizer's otherwise; nothing for the answer when no prompt was built.</summary>
    public (TokenUsage Usage, decimal Cost) Usage(ChatTurn turn)
    {
        var (answerUsage, answerCost) = AnswerUsage(turn);
        var rewriteInput = (int)(turn.RewriteUsage?.InputTokenCount ?? 0);
        var rewriteOutput = (int)(turn.RewriteUsage?.OutputTokenCount ?? 0);
        if (rewriteInput + rewriteOutput == 0) return (answerUsage, answerCost);
        var input = answerUsage.PromptTokens + rewriteInput;
        var output = answerUsage.CompletionTokens + rewriteOutput;
        return (new TokenUsage(input, output, input + output), answerCost + prices.Cost(ModelId, rewriteInput, rewriteOutput));
    }

    private (TokenUsage Usage, decimal Cost) AnswerUsage(ChatTurn turn)
    {
        if (turn.Prompt is null || turn.ModelSkipped) return (TokenUsage.Zero, 0m);
        // A model that failed or never answered costs what it reported using, and nothing when it reported nothing.
        if (turn.Failure is not null && !turn.Cancelled)
        {
            var input = (int)(turn.ModelUsage?.InputTokenCount ?? 0);
            var output = (int)(turn.ModelUsage?.OutputTokenCount ?? 0);
            return (new TokenUsage(input, output, input + output), prices.Cost(ModelId, input, output));
        }
        var promptTokens = (int)(turn.ModelUsage?.InputTokenCount ?? turn.Prompt.PromptTokens);
        var completionTokens = (int)(turn.ModelUsage?.OutputTokenCount ?? tokens.Count(turn.Filter?.Answer ?? ""));
        return (new TokenUsage(promptTokens, completionTokens, promptTokens + completionTokens), prices.Cost(ModelId, promptTokens, completionTokens));
    }
}
