using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Grains.Evaluation;

/// <summary>Runs a golden set through the product as a user's question goes: retrieval through the search grain (the
/// retriever chat uses, with the same 10 candidates a new conversation's turn starts from) for the search figures, and
/// a whole chat turn through the evaluation account's session grain (tagging, retrieval, relevance gate, prompt, the
/// configured model, citations) for the answer and its "nothing found" verdict.</summary>
public sealed class EvaluationRunner(IGrainFactory grains, TimeProvider clock, ILogger<EvaluationRunner> logger)
{
    /// <summary>The account evaluation turns are asked and charged as; it sees every document an admin sees.</summary>
    public const string EvaluationUserId = "system-evaluation";
    public const int Candidates = 10;
    private const int KeptAnswerLength = 1200;

    public async Task<IReadOnlyList<EvaluationQuestionResult>> RunAsync(IReadOnlyList<GoldenQuestion> questions,
        Func<int, Task>? progress = null, CancellationToken cancellationToken = default)
    {
        var session = grains.GetGrain<IUserSessionGrain>(EvaluationUserId);
        await session.InitializeAsync(new UserProfile(EvaluationUserId, "evaluation@system", "평가 (Evaluation)", Roles.Admin, clock.GetUtcNow()),
            new BudgetLimits(0, 0));
        // A run asks hundreds of questions in a minute: the account's own limits must never be what a run measures.
        await session.SetBudgetAsync(new BudgetLimits(1_000_000_000_000, 1_000_000_000_000, 100_000));

        var results = new List<EvaluationQuestionResult>(questions.Count);
        foreach (var question in questions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results.Add(await AskAsync(session, question, cancellationToken));
            if (progress is not null) await progress(results.Count);
        }
        return results;
    }

    private async Task<EvaluationQuestionResult> AskAsync(IUserSessionGrain session, GoldenQuestion question, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        int? rank = null;
        IReadOnlyList<string> top = [];
        var answer = new StringBuilder();
        var noResult = false;
        string? error = null;
        string? conversationId = null;
        try
        {
            var hits = await grains.GetGrain<ISearchGrain>(0).SearchAsync(new SearchQuery(question.Question, Candidates, null), cancellationToken);
            for (var i = 0; i < hits.Count && rank is null; i++)
                if (EvaluationScoring.IsRelevant(question, hits[i].FileName, hits[i].Section)) rank = i + 1;
            top = hits.Take(3).Select(h => $"{h.FileName} › {h.Section}").ToList();

            await foreach (var e in session.AskAsync(new ChatRequest(question.Question, null), cancellationToken))
            {
                switch (e)
                {
                    case MetaEvent meta: conversationId = meta.ConversationId; break;
                    case DeltaEvent delta: answer.Append(delta.Text); break;
                    case DoneEvent done: noResult = done.NoResult; break;
                    case ErrorEvent failure: error = $"{failure.Code}: {failure.Message}"; break;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Evaluation question {QuestionId} failed", question.Id);
            error = ex.GetType().Name + ": " + ex.Message;
        }
        finally
        {
            // Each question is its own conversation; none is kept once answered.
            if (conversationId is not null) await session.DeleteConversationAsync(conversationId);
        }

        var text = answer.ToString();
        bool? hit = question.NoAnswer ? null : error is null && !noResult && EvaluationScoring.AnswerHits(text, question.ExpectedPhrases);
        return new EvaluationQuestionResult(question.Id, question.Question, question.Language, question.Kind, question.NoAnswer, rank, hit, noResult,
            text.Length > KeptAnswerLength ? text[..KeptAnswerLength] + "…" : text, top, question.ExpectedPhrases,
            Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1), error);
    }
}
