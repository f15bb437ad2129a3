using System.Diagnostics;
using System.Runtime.CompilerServices;
using KnowledgeBase.Grains.Accounting;
using KnowledgeBase.Grains.Chat;
using KnowledgeBase.Grains.Chat.Pipeline;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Permissions;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains;

/// <summary>One user's session, keyed by user id: admits a chat turn against the rate limit and budget
/// (<see cref="UserBudget"/>), runs it through the <see cref="ChatTurnPipeline"/>, and settles it once: the turn is
/// stored in its conversation, the real usage replaces the reservation, and accounting and the query log are told.</summary>
public sealed class UserSessionGrain(
    [PersistentState("session", "kb")] IPersistentState<UserSessionState> session,
    [PersistentState("conversations", "kb")] IPersistentState<ConversationListState> list,
    ChatTurnPipeline pipeline,
    IRetriever retriever,
    PriceTable prices,
    IQueryLog queryLog,
    BudgetPeriods periods,
    IOptions<LimitsOptions> limits,
    PermissionCache permissions,
    SourceAccess sourceAccess,
    TimeProvider clock,
    ILogger<UserSessionGrain> logger) : Grain, IUserSessionGrain
{
    private const int MaxQuestionLength = 4000;
    private UserBudget _budget = null!;
    private UploadQuota _uploads = null!;
    private TokenBucket _searches = null!;
    private ConversationIndex _conversations = null!;

    // Grain references are kept: Orleans resolves the interface's grain type by reflection on every GetGrain call,
    // which a chat turn would otherwise pay several times.
    private readonly Dictionary<string, IConversationGrain> _conversationGrains = new(StringComparer.Ordinal);
    private ICostAggregatorGrain? _costAggregator;
    private IQueryStatsAggregatorGrain? _queryStats;

    private string UserId => this.GetPrimaryKeyString();

    // The stored session record lists unconfirmed turns that this activation has since confirmed: one more write clears them.
    private bool _unconfirmedStored;
    // Charged turns whose store is not confirmed: found in the stored record at activation (left by an activation whose
    // silo died between a turn's charge and its store), or whose conversation call failed without saying whether it stored.
    private List<UnconfirmedTurn>? _inherited;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _budget = new UserBudget(session.State, periods, limits.Value.RequestsPerMinute);
        _uploads = new UploadQuota(limits.Value.UploadsPerHour);
        _searches = new TokenBucket(limits.Value.SearchRequestsPerMinute);
        _conversations = new ConversationIndex(list.State, session.State);
        _conversations.Restore(clock.GetUtcNow());
        if (session.State.Unconfirmed is { Count: > 0 } unconfirmed) _inherited = [.. unconfirmed];
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_conversations.IsDirty) await WriteListAsync();
        if (_unconfirmedStored && session.State.Unconfirmed is null) await session.WriteStateAsync();
    }

    /// <summary>Settles the turns charged without being confirmed stored (by the previous activation, or by a conversation
    /// call that failed): a turn its conversation holds keeps its charge and is listed, any other is refunded. Until then
    /// their tokens show as held, neither used nor free (<see cref="UserBudget.Totals"/>), so the usage shown is always
    /// what the stored turns cost. Runs at the first call that shows the budget or the conversations; a conversation that
    /// cannot be asked now is asked at a later call.</summary>
    private async Task ConfirmInheritedAsync()
    {
        if (_inherited is not { } inherited) return;
        _inherited = null;
        var held = new List<bool>();
        try
        {
            foreach (var turn in inherited) held.Add(await Conversation(turn.ConversationId).HoldsAsync(turn.MessageId));
        }
        catch (Exception ex) when (!TransientFailureFilter.IsStateConflict(ex))
        {
            _inherited ??= inherited;
            logger.LogWarning(ex, "Confirming {Count} turns charged before a failover is left to a later call", inherited.Count);
            return;
        }
        for (var i = 0; i < inherited.Count; i++)
        {
            var turn = inherited[i];
            if (held[i])
            {
                foreach (var id in _conversations.Recover(turn.ConversationId, turn.Title, turn.At)) await Conversation(id).DeleteAsync();
            }
            else
            {
                _budget.Refund(turn);
                logger.LogWarning("Turn {MessageId} was charged but never stored (its silo died): refunded {Tokens} tokens", turn.MessageId, turn.Tokens);
            }
            Unconfirm(turn, refund: false);
        }
        await session.WriteStateAsync();
        RecordSpend(clock.GetUtcNow());
    }

    public Task<int?> TryStartUploadAsync() => Task.FromResult(_uploads.TryTake(clock.GetUtcNow()));

    /// <summary>Admits the search through the search rate limit and the budget (at least a token must be left), runs it,
    /// and charges what embedding the query cost the model. Nothing is written when nothing was charged (a cached vector,
    /// the offline embedder), so frequent searches do not rewrite the session record.</summary>
    public async Task<SearchOutcome> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        if (session.State.Profile is null) return Refused(new ErrorEvent(ErrorCodes.UnknownUser, "Unknown user; sign in again.", null));
        if (_searches.TryTake(now) is { } wait)
            return Refused(new ErrorEvent(ErrorCodes.RateLimited, $"Too many searches; retry in {wait} s.", wait));
        if (_budget.BudgetRefusal(1, now) is { } refused) return Refused(BudgetExhausted(refused));

        var found = await retriever.RetrieveMeteredAsync(query.Query, query.TopK, query.Tags, query.Collections, cancellationToken);
        if (found.EmbeddingTokens <= 0) return new SearchOutcome(found.Hits, null, 0, 0m);
        var cost = found.EmbeddingModel is { } model ? prices.Cost(model, found.EmbeddingTokens, 0) : 0m;
        var (day, month) = _budget.Charge(found.EmbeddingTokens, cost, now);
        session.State.LastActivityAt = now;
        try
        {
            await session.WriteStateAsync();
        }
        catch
        {
            // Not stored: the search fails and this activation holds no charge for it.
            _budget.Refund(found.EmbeddingTokens, cost, day, month);
            throw;
        }
        RecordSpend(now);
        return new SearchOutcome(found.Hits, null, found.EmbeddingTokens, cost);

        static SearchOutcome Refused(ErrorEvent refusal) => new([], refusal, 0, 0m);
    }

    private static ErrorEvent BudgetExhausted(BudgetRefusal refused) => refused.Reason == RefusalReason.DailyBudget
        ? new ErrorEvent(ErrorCodes.BudgetExhausted, "Daily token budget exhausted.", refused.RetryAfterSeconds)
        : new ErrorEvent(ErrorCodes.BudgetExhausted, "Monthly token budget exhausted.", refused.RetryAfterSeconds);

    public async Task InitializeAsync(UserProfile profile, BudgetLimits defaultLimits)
    {
        if (session.State.Profile is not null) return;
        session.State.Profile = profile;
        _budget.SetLimits(defaultLimits);
        await session.WriteStateAsync();
    }

    public Task<UserProfile?> GetProfileAsync() => Task.FromResult(session.State.Profile);

    public IAsyncEnumerable<ChatEvent> AskAsync(ChatRequest request, CancellationToken cancellationToken = default)
        => TransientFailureFilter.Guard(AskTurnAsync(request, cancellationToken), GrainContext, nameof(AskAsync), logger, cancellationToken);

    private async IAsyncEnumerable<ChatEvent> AskTurnAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await ConfirmInheritedAsync();
        var turn = Admit(request, Stopwatch.GetTimestamp(), out var refusal);
        if (turn is null)
        {
            yield return refusal!;
            yield break;
        }
        try
        {
            await foreach (var e in pipeline.RunAsync(turn, _budget, cancellationToken)) yield return e;
            var done = await SettleAsync(turn);
            if (turn.Cancelled) yield break;
            yield return turn.Error ?? (ChatEvent)done;
        }
        finally
        {
            // Abandoned by the client: charge only what was used, keep the partial turn.
            if (!turn.Settled) await SettleAsync(turn);
        }
    }

    private ChatTurn? Admit(ChatRequest request, long started, out ErrorEvent? refusal)
    {
        refusal = null;
        var now = clock.GetUtcNow();
        if (session.State.Profile is null)
        {
            refusal = new ErrorEvent(ErrorCodes.UnknownUser, "Unknown user; sign in again.", null);
            return null;
        }
        var question = request.Question?.Trim() ?? "";
        if (question.Length == 0 || question.Length > MaxQuestionLength)
        {
            refusal = new ErrorEvent(ErrorCodes.QuestionLength, $"The question must be 1 to {MaxQuestionLength} characters.", null);
            return null;
        }
        ConversationSummary? conversation = null;
        if (!string.IsNullOrEmpty(request.ConversationId) && !_conversations.TryGet(request.ConversationId, out conversation))
        {
            refusal = new ErrorEvent(ErrorCodes.ConversationNotFound, "Conversation not found.", null);
            return null;
        }

        var reservation = _budget.TryAdmit(pipeline.WorstCaseTokens(question), now, out var refused);
        if (reservation is null)
        {
            refusal = refused!.Reason == RefusalReason.RateLimited
                ? new ErrorEvent(ErrorCodes.RateLimited, $"Too many requests; retry in {refused.RetryAfterSeconds} s.", refused.RetryAfterSeconds)
                : BudgetExhausted(refused);
            return null;
        }

        conversation ??= ConversationIndex.Start(question, now);
        session.State.LastActivityAt = now;
        // Only a turn of this conversation can be replaced (the conversation grain replaces it only if it is the last).
        var replaces = request.Replaces is { } r && MessageIds.ConversationOf(r) == conversation.ConversationId ? r : null;
        return new ChatTurn(UserId, question, conversation, reservation, Conversation(conversation.ConversationId), started)
        {
            Caller = Caller,
            Replaces = replaces,
        };
    }

    private IConversationGrain Conversation(string conversationId)
    {
        if (!_conversationGrains.TryGetValue(conversationId, out var grain))
        {
            if (_conversationGrains.Count >= ConversationIndex.MaxConversations * 2) _conversationGrains.Clear();
            _conversationGrains[conversationId] = grain = GrainFactory.GetGrain<IConversationGrain>($"{UserId}/{conversationId}");
        }
        return grain;
    }

    /// <summary>The one place a turn ends. The charge is written first, with the turn marked unconfirmed, and the turn is
    /// stored after it: if the silo dies in between, the next activation finds the mark and refunds the turn its
    /// conversation does not hold (<see cref="ConfirmInheritedAsync"/>); if storing fails, the charge is taken back at once. So no
    /// stored turn is ever left uncharged and no charge outlives its turn. The reservation is replaced by the charge with
    /// no await in between, so concurrent turns never see the budget free.</summary>
    private async Task<DoneEvent> SettleAsync(ChatTurn turn)
    {
        turn.Settled = true;
        // A turn that failed (the search or the model broke; the client gets an error event) is neither stored nor
        // charged: retries must not leave half-answers behind that push acknowledged turns out of the conversation's
        // cap, and what the user is shown as used stays what the stored turns cost. A cancelled turn is kept as far
        // as it got, and charged for that.
        var failed = turn.Error is not null;
        var (usage, cost) = failed ? (TokenUsage.Zero, 0m) : pipeline.Usage(turn);
        var store = turn.Prompt is not null && !failed;
        var now = clock.GetUtcNow();
        var sources = turn.Prompt?.Sources ?? [];
        var latency = Round(turn.ElapsedMs);

        _budget.Settle(turn.Reservation, usage, cost, now);
        var unconfirmed = store
            ? new UnconfirmedTurn(turn.ConversationId, turn.MessageId, turn.Title, now, usage.TotalTokens, cost, session.State.Day, session.State.Month)
            : null;
        if (unconfirmed is not null) (session.State.Unconfirmed ??= []).Add(unconfirmed);
        try
        {
            await session.WriteStateAsync();
        }
        catch
        {
            // Not written (the database is down, or another activation of this session wrote first and this one is
            // dropped by TransientFailureFilter): the turn is not stored, and this activation holds no charge for it.
            if (unconfirmed is not null) Unconfirm(unconfirmed, refund: true);
            throw;
        }
        _unconfirmedStored |= unconfirmed is not null;

        if (unconfirmed is not null)
        {
            try
            {
                // The sources the answer cites are kept verbatim; the others as excerpts, so a stored turn stays small.
                var cited = turn.Filter?.Cited ?? [];
                var stored = sources.Select(s => cited.Contains(s.N) ? s : ConversationGrain.Excerpt(s)).ToList();
                var record = new ConversationTurn(turn.MessageId, turn.Question, turn.Filter?.Answer ?? "",
                    turn.Tagging?.Intent ?? "info_request", turn.Tagging?.Tags ?? [], stored, usage, cost, now, turn.Completed, null, turn.RetrievalQuery, latency);
                if (turn.Replaces is { } replaced) await turn.Conversation.ReplaceLastAsync(turn.Title, replaced, record);
                else await turn.Conversation.AppendAsync(turn.Title, record);
            }
            catch (Exception ex) when (TransientFailureFilter.Classify(ex) != TransientCodes.StateConflict)
            {
                // The call failed, but the turn may be stored all the same (the conversation's silo died after writing it,
                // or the answer was lost on the way): it stays held, neither used nor free, and the next call of this
                // session settles it from what the conversation holds, as after a failover (ConfirmInheritedAsync).
                (_inherited ??= []).Add(unconfirmed);
                throw;
            }
            catch
            {
                // Another activation of the conversation stored a turn first: this one is certainly not stored.
                Unconfirm(unconfirmed, refund: true);
                try
                {
                    await session.WriteStateAsync();
                }
                catch (Exception ex)
                {
                    // The stored record still marks the turn unconfirmed: the next activation refunds it.
                    logger.LogWarning(ex, "The refund of unstored turn {MessageId} is left to the session's next activation", turn.MessageId);
                }
                throw;
            }
            Unconfirm(unconfirmed, refund: false);
            var (forgotten, writeList) = _conversations.RecordTurn(turn.ConversationId, turn.Title, now);
            foreach (var id in forgotten) await Conversation(id).DeleteAsync();
            if (writeList) await WriteListAsync();
        }

        RecordSpend(now);
        var noResult = sources.Count == 0;
        (_queryStats ??= GrainFactory.GetGrain<IQueryStatsAggregatorGrain>(0)).RecordAsync(new QueryOutcome(now, noResult)).Ignore();

        var breakdown = new LatencyBreakdown(Round(turn.TaggingMs), Round(turn.RetrievalMs), Round(turn.GenerationMs));
        queryLog.Write(new RagQueryRecord(now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"), turn.Completed ? "INFO" : "WARNING", "rag", "rag.query",
            UserId, RagQueryRecord.Hash(turn.Question), turn.Question.Length, turn.Tagging?.Intent ?? "unknown",
            turn.Tagging?.Tags ?? [], turn.Candidates.Count, sources.Count, latency,
            new RagLatency(breakdown.TaggingMs, breakdown.RetrievalMs, breakdown.GenerationMs),
            new RagTokens(usage.PromptTokens, usage.CompletionTokens, usage.TotalTokens), cost,
            sources.Select(s => s.ChunkId).ToList(), noResult));

        return new DoneEvent(usage, cost, latency, breakdown, noResult, turn.Filter?.Cited.ToList() ?? [], turn.Cached);
    }

    /// <summary>Drops the turn's unconfirmed mark (the change leaves with the session's next write); with
    /// <paramref name="refund"/>, its charge too.</summary>
    private void Unconfirm(UnconfirmedTurn turn, bool refund)
    {
        if (refund) _budget.Refund(turn);
        if (session.State.Unconfirmed is { } marks && marks.Remove(turn) && marks.Count == 0) session.State.Unconfirmed = null;
    }

    /// <summary>Tells the cost aggregator the user's period totals (idempotent by sequence; not awaited).</summary>
    private void RecordSpend(DateTimeOffset now)
        => (_costAggregator ??= GrainFactory.GetGrain<ICostAggregatorGrain>(0)).RecordAsync(_budget.Spend(UserId, now)).Ignore();

    /// <summary>Writes the list; the activity the session record carried for it leaves with the session's next write.</summary>
    private async Task WriteListAsync()
    {
        await list.WriteStateAsync();
        _conversations.Written(clock.GetUtcNow());
    }

    public async Task<IReadOnlyList<ConversationSummary>> ListConversationsAsync()
    {
        await ConfirmInheritedAsync();
        return _conversations.Newest();
    }

    /// <summary>The conversation as the user may see it now: sources of documents they may no longer read are withheld.</summary>
    public async Task<Conversation?> GetConversationAsync(string conversationId)
    {
        await ConfirmInheritedAsync();
        if (!_conversations.TryGet(conversationId, out var summary) || await Conversation(conversationId).GetAsync() is not { } conversation) return null;
        var access = await permissions.AccessAsync(Caller);
        return conversation with { Title = summary.Title, Turns = sourceAccess.Apply(conversation.Turns, access) };
    }

    public async Task<IReadOnlyList<ConversationMatch>> SearchConversationsAsync(string text, int max)
    {
        var access = await permissions.AccessAsync(Caller);
        var conversations = _conversations.Newest();
        // Every conversation is asked at once; a few matching turns each are enough to pick the snippet after the reader's
        // current permissions hid what they may no longer read.
        var turns = await Task.WhenAll(conversations.Select(c => Conversation(c.ConversationId).FindAsync(text, 3)));
        var matches = new List<ConversationMatch>();
        for (var i = 0; i < conversations.Count && matches.Count < max; i++)
        {
            // A title that matches says enough; otherwise the passage of the first matching turn is shown under it.
            var summary = conversations[i];
            if (summary.Title.Contains(text, StringComparison.OrdinalIgnoreCase))
                matches.Add(new ConversationMatch(summary.ConversationId, summary.Title, summary.UpdatedAt, null, null));
            else if (sourceAccess.Apply(turns[i], access).FirstOrDefault(t => ConversationGrain.Contains(t, text)) is { } turn)
                matches.Add(new ConversationMatch(summary.ConversationId, summary.Title, summary.UpdatedAt, ConversationSearch.Snippet(turn, text), turn.MessageId));
        }
        return matches;
    }

    /// <summary>The user and the role their account was created with; access checks take the account's current role from
    /// the permission snapshot, which the account keeps up to date.</summary>
    private Caller Caller => new(UserId, session.State.Profile?.Role ?? Roles.Member);

    public async Task<bool> RenameConversationAsync(string conversationId, string title)
    {
        if (!_conversations.Rename(conversationId, title)) return false;
        await WriteListAsync();
        await Conversation(conversationId).RenameAsync(title);
        return true;
    }

    public async Task<bool> DeleteConversationAsync(string conversationId)
    {
        if (!_conversations.Contains(conversationId)) return false;
        // The session record first: had it still carried the conversation's summary, a restart would bring it back.
        if (_conversations.Remove(conversationId)) await session.WriteStateAsync();
        await WriteListAsync();
        await Conversation(conversationId).DeleteAsync();
        return true;
    }

    public async Task<RetentionReport> ApplyRetentionAsync(DateTimeOffset cutoff)
    {
        var summaries = _conversations.Newest();
        var expired = summaries.Where(c => c.UpdatedAt < cutoff).Select(c => c.ConversationId).ToList();
        var report = RetentionReport.Empty(clock.GetUtcNow());
        if (expired.Count > 0)
        {
            // As in DeleteConversationAsync: the records that list the conversations go first, then their turns.
            var carried = false;
            foreach (var id in expired) carried |= _conversations.Remove(id);
            if (carried) await session.WriteStateAsync();
            await WriteListAsync();
            foreach (var id in expired) await Conversation(id).DeleteAsync();
        }
        var turns = 0;
        foreach (var c in summaries.Where(c => c.UpdatedAt >= cutoff && c.CreatedAt < cutoff))
            turns += await Conversation(c.ConversationId).DropTurnsBeforeAsync(cutoff);
        return report with { ConversationsDeleted = expired.Count, TurnsDeleted = turns };
    }

    public async Task<bool> SubmitFeedbackAsync(string messageId, MessageFeedback feedback)
    {
        if (MessageIds.ConversationOf(messageId) is not { } conversationId || !_conversations.Contains(conversationId)) return false;
        var turn = await Conversation(conversationId).SetFeedbackAsync(messageId, feedback);
        if (turn is null) return false;
        await GrainFactory.GetGrain<IFeedbackLogGrain>("all").AddAsync(new FeedbackReport(UserId,
            conversationId, messageId, turn.Question, turn.Answer, turn.Sources, feedback));
        return true;
    }

    public async Task<UsageSnapshot?> GetUsageAsync()
    {
        var state = session.State;
        if (state.Profile is not { } p) return null;
        await ConfirmInheritedAsync();
        var now = clock.GetUtcNow();
        var (tokensToday, tokensMonth, costToday, costMonth, held) = _budget.Totals(now);
        // The account's role as it handed it to the permission snapshot (the profile keeps the role at creation only).
        var role = (await permissions.AccessAsync(Caller)).Role;
        return new UsageSnapshot(p.UserId, p.Email, p.DisplayName, role, state.Limits!,
            tokensToday, tokensMonth, costToday, costMonth, held, _budget.RequestsLastMinute(now), _budget.RequestsPerMinute, state.LastActivityAt);
    }

    public async Task<UsageSnapshot?> SetBudgetAsync(BudgetLimits newLimits)
    {
        if (session.State.Profile is null) return null;
        _budget.SetLimits(newLimits);
        await session.WriteStateAsync();
        return await GetUsageAsync();
    }

    public async Task EraseAsync()
    {
        foreach (var summary in _conversations.Newest()) await Conversation(summary.ConversationId).DeleteAsync();
        await GrainFactory.GetGrain<IFeedbackLogGrain>("all").RemoveUserAsync(UserId);
        if (list.RecordExists) await list.ClearStateAsync();
        if (session.RecordExists) await session.ClearStateAsync();
        DeactivateOnIdle();
    }

    private static double Round(double ms) => Math.Round(ms, 2);
}
