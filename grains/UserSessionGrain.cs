using System.Diagnostics;
using System.Runtime.CompilerServices;
using KnowledgeBase.Grains.Accounting;
using KnowledgeBase.Grains.Caching;
using KnowledgeBase.Grains.Chat;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Models;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains;

/// <summary>One user's session, keyed by user id. Authoritative for the user's budget: every turn reserves its worst
/// case before any model call and settles the real usage after, so concurrent turns can never overspend.</summary>
public sealed class UserSessionGrain(
    [PersistentState("session", "kb")] IPersistentState<UserSessionState> session,
    [PersistentState("conversations", "kb")] IPersistentState<ConversationListState> list,
    IntentTagger tagger,
    QueryRewriter rewriter,
    IRetriever retriever,
    SourceSelector selector,
    PromptBuilder prompts,
    IChatClient chat,
    ITokenCounter tokens,
    PriceTable prices,
    IQueryLog queryLog,
    AnswerCache answers,
    BudgetPeriods periods,
    IOptions<KnowledgeBaseOptions> options,
    IOptions<LimitsOptions> limits,
    TimeProvider clock,
    ILogger<UserSessionGrain> logger) : Grain, IUserSessionGrain
{
    private const int MaxQuestionLength = 4000;
    private const int MaxConversations = 500;
    private static readonly TimeSpan ListWriteInterval = TimeSpan.FromSeconds(10);
    private TokenBucket? _bucket;
    private long _reserved;
    private bool _listDirty;
    private DateTimeOffset _listWrittenAt;

    private Dictionary<string, ConversationSummary> Conversations => list.State.Conversations;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Sessions stored before the list had its own state: move the list over, then drop it from the session.
        if (session.State.Conversations is { Count: > 0 } legacy)
        {
            foreach (var (id, summary) in legacy) Conversations.TryAdd(id, summary);
            await list.WriteStateAsync(cancellationToken);
            session.State.Conversations = null;
            await session.WriteStateAsync(cancellationToken);
        }
        // Turns since the list was last written left their conversation's summary in the session record (written every
        // turn): a newer time and count for a listed conversation, the whole summary of one started since.
        if (session.State.RecentActivity is { Count: > 0 } recent)
        {
            foreach (var (id, activity) in recent)
            {
                if (Conversations.TryGetValue(id, out var summary))
                {
                    if (activity.MessageCount >= summary.MessageCount)
                        Conversations[id] = summary with { UpdatedAt = activity.UpdatedAt, MessageCount = activity.MessageCount };
                }
                else if (activity.Title is not null)
                {
                    Conversations[id] = new ConversationSummary(id, activity.Title, activity.CreatedAt ?? activity.UpdatedAt, activity.UpdatedAt, activity.MessageCount);
                }
            }
            _listDirty = true;
        }
        _listWrittenAt = clock.GetUtcNow();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_listDirty) await WriteListAsync();
    }

    /// <summary>Writes the list; the activity the session record carried for it is then in the list, and is dropped
    /// from the session record with its next write.</summary>
    private async Task WriteListAsync()
    {
        await list.WriteStateAsync();
        _listDirty = false;
        _listWrittenAt = clock.GetUtcNow();
        session.State.RecentActivity = null;
    }

    private TokenBucket Bucket
    {
        get
        {
            var perMinute = Math.Max(1, session.State.Limits?.RequestsPerMinute ?? limits.Value.RequestsPerMinute);
            if (_bucket is null || _bucket.PerMinute != perMinute) _bucket = new TokenBucket(perMinute);
            return _bucket;
        }
    }

    private string ModelId => chat.GetService<ChatClientMetadata>()?.DefaultModelId ?? ExtractiveChatClient.ModelId;

    public async Task InitializeAsync(UserProfile profile, BudgetLimits defaultLimits)
    {
        if (session.State.Profile is not null) return;
        session.State.Profile = profile;
        session.State.Limits = defaultLimits;
        await session.WriteStateAsync();
    }

    public Task<UserProfile?> GetProfileAsync() => Task.FromResult(session.State.Profile);

    public async IAsyncEnumerable<ChatEvent> AskAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var turn = Admit(request, out var refusal);
        if (turn is null)
        {
            yield return refusal!;
            yield break;
        }

        try
        {
            // 1. Tagging.
            var step = Stopwatch.GetTimestamp();
            turn.Tagging = tagger.Tag(turn.Question);
            turn.TaggingMs = Stopwatch.GetElapsedTime(step).TotalMilliseconds;
            yield return new MetaEvent(turn.ConversationId, turn.MessageId, turn.Tagging.Intent, turn.Tagging.Tags);

            // 2. Retrieval, with the conversation used to make follow-ups searchable.
            step = Stopwatch.GetTimestamp();
            turn.History = turn.IsNewConversation ? [] : await Conversation(turn.ConversationId).RecentAsync(PromptBuilder.HistoryTurns);
            turn.RetrievalQuery = rewriter.Rewrite(turn.Question, turn.History.LastOrDefault()?.RetrievalQuery);
            var (hits, retrievalError) = await RetrieveAsync(turn, cancellationToken);
            turn.RetrievalMs = Stopwatch.GetElapsedTime(step).TotalMilliseconds;
            if (retrievalError is not null)
            {
                yield return retrievalError;
                yield break;
            }
            turn.CandidatesCount = hits.Count;
            var relevant = selector.Select(turn.RetrievalQuery, hits).Take(options.Value.RetrievalTopK).ToList();

            // 3. Prompt, sized with the tokenizer; the reservation shrinks to the prompt's real worst case.
            Prompt prompt;
            using (Telemetry.KnowledgeBaseTelemetry.Source.StartActivity("prompt.build")) prompt = prompts.Build(turn.Question, turn.History, relevant);
            turn.Prompt = prompt;
            Reserve(turn, prompt.PromptTokens + options.Value.MaxCompletionTokens);
            yield return new SourcesEvent(prompt.Sources);

            // 4. Generation, streamed; citations that point at no source are dropped.
            step = Stopwatch.GetTimestamp();
            var filter = new CitationFilter(prompt.Sources.Count);
            turn.Filter = filter;
            var chatOptions = new ChatOptions { MaxOutputTokens = options.Value.MaxCompletionTokens, Temperature = 0.1f };
            var cacheKey = AnswerCache.Key(ModelId, prompt.Messages);
            var cached = await answers.GetAsync(cacheKey, cancellationToken);
            turn.Cached = cached is not null;
            var updates = cached is null
                ? chat.GetStreamingResponseAsync(prompt.Messages, chatOptions, cancellationToken)
                : Replay(cached, cancellationToken);
            await using (var enumerator = updates.GetAsyncEnumerator(cancellationToken))
            {
                while (true)
                {
                    var (hasNext, failure) = await MoveNextAsync(enumerator);
                    if (failure is not null)
                    {
                        turn.Failure = failure;
                        break;
                    }
                    if (!hasNext) break;
                    var update = enumerator.Current;
                    if (ChatUpdates.UsageOf(update) is { } usage) turn.ModelUsage = usage;
                    var piece = update.Text;
                    if (string.IsNullOrEmpty(piece)) continue;
                    turn.RawAnswer.Append(piece);
                    var text = filter.Push(piece);
                    if (text.Length > 0) yield return new DeltaEvent(text);
                }
            }
            if (cached is null && turn.Failure is null && turn.RawAnswer.Length > 0)
                await answers.SetAsync(cacheKey, new CachedAnswer(turn.RawAnswer.ToString(), (int)(turn.ModelUsage?.InputTokenCount ?? 0),
                    (int)(turn.ModelUsage?.OutputTokenCount ?? 0), ModelId));
            var tail = filter.Flush();
            if (tail.Length > 0) yield return new DeltaEvent(tail);
            turn.GenerationMs = Stopwatch.GetElapsedTime(step).TotalMilliseconds;

            if (turn.Failure is OperationCanceledException) yield break;
            if (turn.Failure is not null)
            {
                logger.LogWarning("Model call failed for {UserId}: {Error}", this.GetPrimaryKeyString(), turn.Failure.GetType().Name);
                await SettleAsync(turn, completed: false, started);
                yield return new ErrorEvent("model_error", "답변을 생성하지 못했습니다. 잠시 후 다시 시도해 주세요. (The model could not answer; try again shortly.)", null);
                yield break;
            }

            // 5. Settle: real usage replaces the reservation; the turn is persisted; accounting and the query log are written.
            yield return await SettleAsync(turn, completed: true, started);
        }
        finally
        {
            // Cancelled or abandoned by the client: charge only what was used, keep the partial turn.
            if (!turn.Settled) await SettleAsync(turn, completed: false, started);
        }
    }

    private Turn? Admit(ChatRequest request, out ErrorEvent? refusal)
    {
        refusal = null;
        var now = clock.GetUtcNow();
        if (session.State.Profile is null)
        {
            refusal = new ErrorEvent("unauthorized", "사용자 정보를 찾을 수 없습니다. 다시 로그인해 주세요. (Unknown user; sign in again.)", null);
            return null;
        }
        var question = request.Question?.Trim() ?? "";
        if (question.Length == 0 || question.Length > MaxQuestionLength)
        {
            refusal = new ErrorEvent("invalid_request", $"질문은 1자 이상 {MaxQuestionLength}자 이하여야 합니다. (The question must be 1 to {MaxQuestionLength} characters.)", null);
            return null;
        }

        ConversationSummary? conversation = null;
        if (!string.IsNullOrEmpty(request.ConversationId) && !Conversations.TryGetValue(request.ConversationId, out conversation))
        {
            refusal = new ErrorEvent("not_found", "대화를 찾을 수 없습니다. (Conversation not found.)", null);
            return null;
        }

        if (Bucket.TryTake(now) is { } wait)
        {
            refusal = new ErrorEvent("rate_limited", $"요청이 너무 많습니다. {wait}초 후에 다시 시도해 주세요. (Too many requests; retry in {wait} s.)", wait);
            return null;
        }

        RollPeriods(now);
        var worstCase = prompts.WorstCasePromptTokens(question) + options.Value.MaxCompletionTokens;
        var limitsNow = session.State.Limits!;
        if (session.State.UsedToday + _reserved + worstCase > limitsNow.DailyTokens
            || session.State.UsedThisMonth + _reserved + worstCase > limitsNow.MonthlyTokens)
        {
            var daily = session.State.UsedToday + _reserved + worstCase > limitsNow.DailyTokens;
            var retry = daily ? SecondsUntilNextDay(now) : SecondsUntilNextMonth(now);
            refusal = new ErrorEvent("budget_exhausted", daily
                ? "오늘 사용할 수 있는 토큰을 모두 사용했습니다. 내일 다시 이용하시거나 관리자에게 문의해 주세요. (Daily token budget exhausted.)"
                : "이번 달 사용할 수 있는 토큰을 모두 사용했습니다. 관리자에게 문의해 주세요. (Monthly token budget exhausted.)", retry);
            return null;
        }

        conversation ??= NewConversation(question, now);
        var turn = new Turn(question, conversation.ConversationId, conversation.Title, conversation.MessageCount == 0,
            MessageIds.New(conversation.ConversationId));
        Reserve(turn, worstCase);
        session.State.LastActivityAt = now;
        return turn;
    }

    private static ConversationSummary NewConversation(string question, DateTimeOffset now)
    {
        var title = question.ReplaceLineEndings(" ");
        return new ConversationSummary(MessageIds.NewConversationId(), title.Length > 40 ? title[..40] + "…" : title, now, now, 0);
    }

    // Grain references are kept: Orleans resolves the interface's grain type by reflection on every GetGrain call
    // (~2% of the api's CPU under chat load when each turn made five of them).
    private readonly Dictionary<string, IConversationGrain> _conversationGrains = new(StringComparer.Ordinal);
    private ICostAggregatorGrain? _costAggregator;
    private IQueryStatsAggregatorGrain? _queryStats;

    private IConversationGrain Conversation(string conversationId)
    {
        if (!_conversationGrains.TryGetValue(conversationId, out var grain))
        {
            if (_conversationGrains.Count >= MaxConversations * 2) _conversationGrains.Clear();
            _conversationGrains[conversationId] = grain = GrainFactory.GetGrain<IConversationGrain>($"{this.GetPrimaryKeyString()}/{conversationId}");
        }
        return grain;
    }

    private void Reserve(Turn turn, long tokensNeeded)
    {
        _reserved += tokensNeeded - turn.Reserved;
        turn.Reserved = tokensNeeded;
    }

    private async Task<(IReadOnlyList<SearchHit> Hits, ErrorEvent? Error)> RetrieveAsync(Turn turn, CancellationToken cancellationToken)
    {
        if (turn.Tagging!.Intent == "chit_chat") return ([], null);
        try
        {
            return (await retriever.RetrieveAsync(turn.RetrievalQuery!, Math.Max(options.Value.RetrievalTopK * 2, 10), null, cancellationToken), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Retrieval failed for {UserId}", this.GetPrimaryKeyString());
            await SettleAsync(turn, completed: false, Stopwatch.GetTimestamp());
            return ([], ex is VectorStoreUnavailableException
                ? new ErrorEvent("vector_store_unavailable", "벡터 저장소(ChromaDB)에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요. (The vector store is unavailable; retry shortly.)", 5)
                : new ErrorEvent("retrieval_error", "문서 검색에 실패했습니다. 잠시 후 다시 시도해 주세요. (Search failed; try again shortly.)", null));
        }
    }

    /// <summary>A cached answer streamed like a fresh one; it costs no model tokens, so nothing is charged.</summary>
    private static async IAsyncEnumerable<ChatResponseUpdate> Replay(CachedAnswer cached, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (System.Text.RegularExpressions.Match piece in System.Text.RegularExpressions.Regex.Matches(cached.Text, @"\S+\s*|\s+"))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, piece.Value);
        }
        await Task.CompletedTask;
        yield return new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 0, OutputTokenCount = 0, TotalTokenCount = 0 })] };
    }

    private static async Task<(bool HasNext, Exception? Failure)> MoveNextAsync(IAsyncEnumerator<ChatResponseUpdate> updates)
    {
        try
        {
            return (await updates.MoveNextAsync(), null);
        }
        catch (Exception ex)
        {
            return (false, ex);
        }
    }

    private async Task<DoneEvent> SettleAsync(Turn turn, bool completed, long started)
    {
        turn.Settled = true;

        var answer = turn.Filter?.Answer ?? "";
        var promptTokens = turn.Prompt is null ? 0 : (int)(turn.ModelUsage?.InputTokenCount ?? turn.Prompt.PromptTokens);
        var completionTokens = turn.Prompt is null ? 0 : (int)(turn.ModelUsage?.OutputTokenCount ?? tokens.Count(answer));
        var usage = new TokenUsage(promptTokens, completionTokens, promptTokens + completionTokens);
        var cost = prices.Cost(ModelId, promptTokens, completionTokens);
        var now = clock.GetUtcNow();

        // The turn is stored first and only then charged: if storing fails (its conversation's silo died), the session
        // state is untouched, so no later write can persist a charge for a turn the user never got. The reservation
        // holds until the charge replaces it, with no await in between, so concurrent turns never see the budget free.
        var sources = turn.Prompt?.Sources ?? [];
        var noResult = sources.Count == 0;
        try
        {
            // The sources the answer cites are kept verbatim; the others as excerpts (a turn is rewritten with its
            // conversation, so every kept character is written again at each later turn).
            var cited = turn.Filter?.Cited ?? [];
            var stored = sources.Select(s => cited.Contains(s.N) ? s : ConversationGrain.Excerpt(s)).ToList();
            if (turn.Prompt is not null)
                await Conversation(turn.ConversationId).AppendAsync(turn.Title, new ConversationTurn(turn.MessageId, turn.Question, answer,
                    turn.Tagging?.Intent ?? "info_request", turn.Tagging?.Tags ?? [], stored, usage, cost, now, completed, null, turn.RetrievalQuery));
        }
        finally
        {
            _reserved -= turn.Reserved;
            turn.Reserved = 0;
        }

        RollPeriods(now);
        var state = session.State;
        state.UsedToday += usage.TotalTokens;
        state.UsedThisMonth += usage.TotalTokens;
        state.CostToday += cost;
        state.CostThisMonth += cost;
        state.RequestsToday++;
        state.RequestsThisMonth++;
        state.Sequence++;

        if (turn.Prompt is not null)
        {
            var known = Conversations.GetValueOrDefault(turn.ConversationId);
            var summary = known ?? new ConversationSummary(turn.ConversationId, turn.Title, now, now, 0);
            var updated = summary with { UpdatedAt = now, MessageCount = summary.MessageCount + 1 };
            Conversations[turn.ConversationId] = updated;
            _listDirty = true;
            // The list is written at most every ListWriteInterval (and when old conversations were dropped); until then
            // the conversation's summary travels in the session record, new conversations included.
            var forgotOld = await ForgetOldestConversationsAsync();
            if (forgotOld || now - _listWrittenAt >= ListWriteInterval) await WriteListAsync();
            else (session.State.RecentActivity ??= [])[turn.ConversationId] = new ConversationActivity(updated.UpdatedAt, updated.MessageCount, updated.Title, updated.CreatedAt);
        }
        await session.WriteStateAsync();

        (_costAggregator ??= GrainFactory.GetGrain<ICostAggregatorGrain>(0)).RecordAsync(new UserSpend(this.GetPrimaryKeyString(), state.Day, state.Month,
            state.UsedToday, state.UsedThisMonth, state.CostToday, state.CostThisMonth, state.RequestsToday, state.RequestsThisMonth,
            state.Sequence, now)).Ignore();
        (_queryStats ??= GrainFactory.GetGrain<IQueryStatsAggregatorGrain>(0)).RecordAsync(new QueryOutcome(now, noResult)).Ignore();

        var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var breakdown = new LatencyBreakdown(Round(turn.TaggingMs), Round(turn.RetrievalMs), Round(turn.GenerationMs));
        queryLog.Write(new RagQueryRecord(now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"), completed ? "INFO" : "WARNING", "rag", "rag.query",
            this.GetPrimaryKeyString(), RagQueryRecord.Hash(turn.Question), turn.Question.Length, turn.Tagging?.Intent ?? "unknown",
            turn.Tagging?.Tags ?? [], turn.CandidatesCount, sources.Count, Round(latency),
            new RagLatency(breakdown.TaggingMs, breakdown.RetrievalMs, breakdown.GenerationMs),
            new RagTokens(usage.PromptTokens, usage.CompletionTokens, usage.TotalTokens), cost,
            sources.Select(s => s.ChunkId).ToList(), noResult));

        return new DoneEvent(usage, cost, Round(latency), breakdown, noResult, turn.Filter?.Cited.ToList() ?? [], turn.Cached);
    }

    public Task<IReadOnlyList<ConversationSummary>> ListConversationsAsync()
        => Task.FromResult<IReadOnlyList<ConversationSummary>>(Conversations.Values.OrderByDescending(c => c.UpdatedAt).ToList());

    public async Task<Conversation?> GetConversationAsync(string conversationId)
        => Conversations.TryGetValue(conversationId, out var summary) && await Conversation(conversationId).GetAsync() is { } conversation
            ? conversation with { Title = summary.Title }
            : null;

    public async Task<bool> RenameConversationAsync(string conversationId, string title)
    {
        if (!Conversations.TryGetValue(conversationId, out var summary)) return false;
        Conversations[conversationId] = summary with { Title = title };
        await WriteListAsync();
        await Conversation(conversationId).RenameAsync(title);
        return true;
    }

    public async Task<bool> DeleteConversationAsync(string conversationId)
    {
        if (!Conversations.Remove(conversationId)) return false;
        // The session record first: had it still carried the conversation's summary, a restart would bring it back.
        if (session.State.RecentActivity?.Remove(conversationId) == true) await session.WriteStateAsync();
        await WriteListAsync();
        await Conversation(conversationId).DeleteAsync();
        return true;
    }

    public async Task<bool> SubmitFeedbackAsync(string messageId, MessageFeedback feedback)
    {
        if (MessageIds.ConversationOf(messageId) is not { } conversationId || !Conversations.ContainsKey(conversationId)) return false;
        var turn = await Conversation(conversationId).SetFeedbackAsync(messageId, feedback);
        if (turn is null) return false;
        await GrainFactory.GetGrain<IFeedbackLogGrain>("all").AddAsync(new FeedbackReport(this.GetPrimaryKeyString(),
            conversationId, messageId, turn.Question, turn.Answer, turn.Sources, feedback));
        return true;
    }

    // The list keeps the newest conversations; older ones are deleted with their turns. True when any was deleted.
    private async Task<bool> ForgetOldestConversationsAsync()
    {
        var excess = Conversations.Count - MaxConversations;
        if (excess <= 0) return false;
        foreach (var old in Conversations.Values.OrderBy(c => c.UpdatedAt).Take(excess).ToList())
        {
            Conversations.Remove(old.ConversationId);
            session.State.RecentActivity?.Remove(old.ConversationId);
            await Conversation(old.ConversationId).DeleteAsync();
        }
        return true;
    }

    public Task<UsageSnapshot?> GetUsageAsync()
    {
        var now = clock.GetUtcNow();
        var state = session.State;
        if (state.Profile is null) return Task.FromResult<UsageSnapshot?>(null);
        var (day, month) = periods.At(now);
        var p = state.Profile;
        return Task.FromResult<UsageSnapshot?>(new UsageSnapshot(p.UserId, p.Email, p.DisplayName, p.Role, state.Limits!,
            state.Day == day ? state.UsedToday : 0, state.Month == month ? state.UsedThisMonth : 0,
            state.Day == day ? state.CostToday : 0, state.Month == month ? state.CostThisMonth : 0,
            _reserved, Bucket.CountLastMinute(now), Bucket.PerMinute, state.LastActivityAt));
    }

    public async Task<UsageSnapshot?> SetBudgetAsync(BudgetLimits newLimits)
    {
        if (session.State.Profile is null) return null;
        session.State.Limits = newLimits;
        await session.WriteStateAsync();
        return await GetUsageAsync();
    }

    public async Task EraseAsync()
    {
        var userId = this.GetPrimaryKeyString();
        foreach (var conversationId in Conversations.Keys.ToList()) await Conversation(conversationId).DeleteAsync();
        Conversations.Clear();
        _listDirty = false;
        await GrainFactory.GetGrain<IFeedbackLogGrain>("all").RemoveUserAsync(userId);
        if (list.RecordExists) await list.ClearStateAsync();
        if (session.RecordExists) await session.ClearStateAsync();
        session.State = new UserSessionState();
        DeactivateOnIdle();
    }

    private void RollPeriods(DateTimeOffset now)
    {
        var (day, month) = periods.At(now);
        var state = session.State;
        if (state.Day != day)
        {
            state.Day = day;
            state.UsedToday = 0;
            state.CostToday = 0;
            state.RequestsToday = 0;
        }
        if (state.Month != month)
        {
            state.Month = month;
            state.UsedThisMonth = 0;
            state.CostThisMonth = 0;
            state.RequestsThisMonth = 0;
        }
    }

    private int SecondsUntilNextDay(DateTimeOffset now)
    {
        for (var s = 60; s <= 86_400; s += 60)
            if (periods.At(now.AddSeconds(s)).Day != session.State.Day) return s;
        return 86_400;
    }

    private int SecondsUntilNextMonth(DateTimeOffset now)
    {
        for (var h = 1; h <= 24 * 32; h++)
            if (periods.At(now.AddHours(h)).Month != session.State.Month) return h * 3600;
        return 31 * 86_400;
    }

    private static double Round(double ms) => Math.Round(ms, 2);

    /// <summary>Everything one chat turn carries between its steps.</summary>
    private sealed class Turn(string question, string conversationId, string title, bool isNewConversation, string messageId)
    {
        public string Question { get; } = question;
        public string ConversationId { get; } = conversationId;
        public string Title { get; } = title;
        public bool IsNewConversation { get; } = isNewConversation;
        public string MessageId { get; } = messageId;
        public IReadOnlyList<ConversationTurn> History { get; set; } = [];
        public Tagging? Tagging { get; set; }
        public string? RetrievalQuery { get; set; }
        public int CandidatesCount { get; set; }
        public Prompt? Prompt { get; set; }
        public CitationFilter? Filter { get; set; }
        public UsageDetails? ModelUsage { get; set; }
        public System.Text.StringBuilder RawAnswer { get; } = new();
        public bool Cached { get; set; }
        public Exception? Failure { get; set; }
        public long Reserved { get; set; }
        public bool Settled { get; set; }
        public double TaggingMs { get; set; }
        public double RetrievalMs { get; set; }
        public double GenerationMs { get; set; }
    }
}
