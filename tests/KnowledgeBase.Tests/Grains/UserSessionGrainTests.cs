using Microsoft.Extensions.DependencyInjection;

namespace KnowledgeBase.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class UserSessionGrainTests(ClusterFixture fixture)
{
    private async Task<IUserSessionGrain> NewUserAsync(long daily = 200_000, long monthly = 2_000_000, int? perMinute = 10_000)
    {
        var id = "usr_" + Guid.NewGuid().ToString("N")[..16];
        var grain = fixture.Grains.GetGrain<IUserSessionGrain>(id);
        await grain.InitializeAsync(new UserProfile(id, id + "@soosan.com", "테스트", Roles.Member, DateTimeOffset.UtcNow), new BudgetLimits(daily, monthly, perMinute));
        return grain;
    }

    private static async Task<List<ChatEvent>> AskAsync(IUserSessionGrain grain, string question, string? conversationId = null)
    {
        var events = new List<ChatEvent>();
        await foreach (var e in grain.AskAsync(new ChatRequest(question, conversationId))) events.Add(e);
        return events;
    }

    [Fact]
    public async Task A_turn_is_persisted_and_survives_deactivation()
    {
        var grain = await NewUserAsync();
        // Small talk goes to the model even with no documents in this cluster (a question no document answers would not).
        var question = "안녕하세요 " + Guid.NewGuid().ToString("N")[..6];
        var events = await AskAsync(grain, question);
        var meta = Assert.IsType<MetaEvent>(events[0]);
        var done = Assert.IsType<DoneEvent>(events[^1]);
        Assert.True(done.Usage.TotalTokens > 0);

        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var conversation = await grain.GetConversationAsync(meta.ConversationId);
        Assert.NotNull(conversation);
        Assert.Equal(question, conversation!.Turns.Single().Question);
        var usage = await grain.GetUsageAsync();
        Assert.Equal(done.Usage.TotalTokens, usage!.UsedToday);
        Assert.Equal(0, usage.ReservedTokens);
    }

    [Fact]
    public async Task Concurrent_turns_of_one_user_never_exceed_the_budget()
    {
        const long daily = 10_000;
        var grain = await NewUserAsync(daily);
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => AskAsync(grain, $"안녕하세요 {i}")));
        var done = results.Select(r => r[^1]).OfType<DoneEvent>().ToList();
        var refused = results.Select(r => r[^1]).OfType<ErrorEvent>().Where(e => e.Code == "budget_exhausted").ToList();
        Assert.Equal(50, done.Count + refused.Count);
        Assert.NotEmpty(done);
        Assert.NotEmpty(refused);
        var usage = await grain.GetUsageAsync();
        Assert.Equal(done.Sum(d => (long)d.Usage.TotalTokens), usage!.UsedToday);
        Assert.True(usage.UsedToday <= daily);
    }

    [Fact]
    public async Task Abandoning_a_stream_charges_only_what_was_used_and_frees_the_reservation()
    {
        var grain = await NewUserAsync();
        using var cancel = new CancellationTokenSource();
        var deltas = 0;
        try
        {
            await foreach (var e in grain.AskAsync(new ChatRequest("연차 유급휴가는 며칠인가요? " + Guid.NewGuid().ToString("N")[..6], null), cancel.Token))
                if (e is DeltaEvent && ++deltas == 2) cancel.Cancel();
        }
        catch (OperationCanceledException) { }

        UsageSnapshot? usage = null;
        for (var i = 0; i < 50 && (usage is null || usage.ReservedTokens > 0); i++)
        {
            await Task.Delay(100);
            usage = await grain.GetUsageAsync();
        }
        Assert.Equal(0, usage!.ReservedTokens);
        Assert.True(usage.UsedToday < 10_000, $"charged {usage.UsedToday}");
    }

    [Fact]
    public async Task Spend_reaches_the_day_and_month_ledgers()
    {
        var grain = await NewUserAsync();
        var userId = grain.GetPrimaryKeyString();
        var done = (DoneEvent)(await AskAsync(grain, "퇴직금은 언제까지 지급해야 하나요?"))[^1];
        var usage = await grain.GetUsageAsync();
        var day = (await fixture.Grains.GetGrain<IUserSessionGrain>(userId).GetUsageAsync())!;

        PeriodUserTotal? total = null;
        for (var i = 0; i < 50 && total is null; i++)
        {
            await Task.Delay(100);
            var periods = KnowledgeBase.Grains.Chat.BudgetPeriods.FromId(null).At(DateTimeOffset.UtcNow);
            total = (await fixture.Grains.GetGrain<ICostLedgerGrain>("day:" + periods.Day).GetAsync()).Users.FirstOrDefault(u => u.UserId == userId);
        }
        Assert.NotNull(total);
        Assert.Equal(done.Usage.TotalTokens, total!.Tokens);
        Assert.Equal(1, total.Requests);
        Assert.Equal(usage!.UsedToday, day.UsedToday);
    }

    [Fact]
    public async Task A_long_conversation_keeps_full_source_text_only_for_its_recent_turns()
    {
        var grain = fixture.Grains.GetGrain<IConversationGrain>($"usr_{Guid.NewGuid():N}/conv_0123456789abcdef");
        var text = string.Concat(Enumerable.Repeat("근로자는 연차 유급휴가를 사용할 수 있다. ", 60));
        for (var i = 0; i < 15; i++)
        {
            var source = new SourceReference(1, "doc_aaaaaaaaaaaa_0000", "doc_aaaaaaaaaaaa", "a.md", "A", "A > 제1조", null, 1, text);
            await grain.AppendAsync("긴 대화", new ConversationTurn($"msg_{i}", $"질문 {i}", "답변", "info_request", [], [source],
                new TokenUsage(1, 1, 2), 0, DateTimeOffset.UtcNow, true, null, null));
        }
        var turns = (await grain.GetAsync())!.Turns;
        Assert.Equal(15, turns.Count);
        Assert.All(turns.Take(5), t => Assert.True(t.Sources[0].Text.Length <= 301));
        Assert.All(turns.Skip(5), t => Assert.Equal(text, t.Sources[0].Text));
    }

    private async Task<(IUserSessionGrain Grain, string ConversationId)> ThreeTurnConversationAsync()
    {
        var grain = await NewUserAsync();
        var first = await AskAsync(grain, "연차 유급휴가는 며칠인가요?");
        var conversationId = Assert.IsType<MetaEvent>(first[0]).ConversationId;
        await AskAsync(grain, "그럼 1년 미만은?", conversationId);
        await AskAsync(grain, "사용하지 못한 연차는 어떻게 되나요?", conversationId);
        return (grain, conversationId);
    }

    [Fact]
    public async Task A_conversations_latest_time_and_turn_count_survive_deactivation()
    {
        // Only a conversation's first turn writes the list at once; the next turns are written when the grain deactivates.
        var (grain, conversationId) = await ThreeTurnConversationAsync();
        var before = Assert.Single(await grain.ListConversationsAsync());

        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var after = Assert.Single(await grain.ListConversationsAsync());
        Assert.Equal(3, after.MessageCount);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
    }

    [Fact]
    public async Task The_stored_records_alone_give_the_exact_list_though_the_list_itself_was_not_rewritten()
    {
        // What a crash or a restored backup leaves: the rows as stored, no deactivation. They are copied to a user
        // that was never activated (the session, its list and the conversation's turn records), which then lists the
        // conversation as the live grain does.
        var (grain, conversationId) = await ThreeTurnConversationAsync();
        var live = Assert.Single(await grain.ListConversationsAsync());
        Assert.Equal(3, live.MessageCount);

        var storage = ((Orleans.TestingHost.InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost!.Services
            .GetRequiredKeyedService<Orleans.Storage.IGrainStorage>("kb");
        var copy = fixture.Grains.GetGrain<IUserSessionGrain>("usr_" + Guid.NewGuid().ToString("N")[..16]);
        await CopyStateAsync<KnowledgeBase.Grains.Chat.UserSessionState>(storage, "session", grain, copy);
        var list = await CopyStateAsync<KnowledgeBase.Grains.Chat.ConversationListState>(storage, "conversations", grain, copy);
        Assert.False(list.Conversations.ContainsKey(conversationId)); // the list row was not written for this conversation
        for (var i = 0; i < 3; i++)
        {
            var turn = new GrainState<KnowledgeBase.Grains.StoredTurn>();
            await storage.ReadStateAsync(KnowledgeBase.Grains.ConversationGrain.TurnStateName,
                KnowledgeBase.Grains.ConversationGrain.TurnRecordId($"{grain.GetPrimaryKeyString()}/{conversationId}", i), turn);
            await storage.WriteStateAsync(KnowledgeBase.Grains.ConversationGrain.TurnStateName,
                KnowledgeBase.Grains.ConversationGrain.TurnRecordId($"{copy.GetPrimaryKeyString()}/{conversationId}", i), new GrainState<KnowledgeBase.Grains.StoredTurn>(turn.State));
        }

        var restored = Assert.Single(await copy.ListConversationsAsync());
        Assert.Equal(live, restored);
    }

    [Fact]
    public async Task A_turn_charged_but_never_stored_because_its_silo_died_is_refunded_when_the_session_activates_again()
    {
        var grain = await NewUserAsync();
        var events = await AskAsync(grain, "안녕하세요 " + Guid.NewGuid().ToString("N")[..6]);
        var meta = Assert.IsType<MetaEvent>(events[0]);
        var done = Assert.IsType<DoneEvent>(events[^1]);
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        // What a silo dying between a turn's two writes leaves behind: the session record charged for a second turn and
        // marking it unconfirmed, the conversation without it. The first turn is marked too (as it is until the session's
        // next write): it is stored, so it keeps its charge.
        var stored = new GrainState<KnowledgeBase.Grains.Chat.UserSessionState>();
        await Storage.ReadStateAsync("session", grain.GetGrainId(), stored);
        Assert.Null(stored.State!.Unconfirmed); // a deactivated session leaves no mark of a confirmed turn
        var state = stored.State;
        state.Unconfirmed =
        [
            new(meta.ConversationId, meta.MessageId, "안녕하세요", DateTimeOffset.UnixEpoch, done.Usage.TotalTokens, done.CostUsd, state.Day, state.Month),
            new(meta.ConversationId, "msg_lost_" + Guid.NewGuid().ToString("N")[..8], "사라진 질문", DateTimeOffset.UtcNow, 700, 0.01m, state.Day, state.Month),
        ];
        state.UsedToday += 700;
        state.UsedThisMonth += 700;
        state.CostToday += 0.01m;
        state.CostThisMonth += 0.01m;
        await Storage.WriteStateAsync("session", grain.GetGrainId(), stored);

        var usage = await grain.GetUsageAsync();
        Assert.Equal(done.Usage.TotalTokens, usage!.UsedToday);
        Assert.Equal(done.Usage.TotalTokens, usage.UsedThisMonth);
        Assert.Equal(done.CostUsd, usage.CostTodayUsd);
        var listed = Assert.Single(await grain.ListConversationsAsync());
        Assert.Equal(1, listed.MessageCount);
        Assert.Equal(meta.MessageId, Assert.Single((await grain.GetConversationAsync(meta.ConversationId))!.Turns).MessageId);
        await Storage.ReadStateAsync("session", grain.GetGrainId(), stored);
        Assert.Null(stored.State!.Unconfirmed);
        Assert.Equal(done.Usage.TotalTokens, stored.State.UsedToday);
    }

    private Orleans.Storage.IGrainStorage Storage => ((Orleans.TestingHost.InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost!.Services
        .GetRequiredKeyedService<Orleans.Storage.IGrainStorage>("kb");

    private async Task<KnowledgeBase.Grains.StoredTurn?> StoredTurnAsync(IUserSessionGrain user, string conversationId, int index)
    {
        var record = new GrainState<KnowledgeBase.Grains.StoredTurn>();
        await Storage.ReadStateAsync(KnowledgeBase.Grains.ConversationGrain.TurnStateName,
            KnowledgeBase.Grains.ConversationGrain.TurnRecordId($"{user.GetPrimaryKeyString()}/{conversationId}", index), record);
        return record.RecordExists ? record.State : null;
    }

    [Fact]
    public async Task Each_turn_is_stored_once_and_the_conversation_comes_back_whole_with_its_feedback_and_title()
    {
        var (grain, conversationId) = await ThreeTurnConversationAsync();
        var second = (await grain.GetConversationAsync(conversationId))!.Turns[1];
        Assert.True(await grain.SubmitFeedbackAsync(second.MessageId, new MessageFeedback("down", "wrong_answer", null, DateTimeOffset.UtcNow)));
        Assert.True(await grain.RenameConversationAsync(conversationId, "연차 문의"));

        // A turn's record holds that turn alone: answering the third question did not write the first two again.
        var stored = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => StoredTurnAsync(grain, conversationId, i)));
        Assert.Equal(["연차 유급휴가는 며칠인가요?", "그럼 1년 미만은?", "사용하지 못한 연차는 어떻게 되나요?"], stored.Take(3).Select(t => t!.Turn!.Question));
        Assert.Null(stored[3]);
        Assert.Equal("down", stored[1]!.Turn!.Feedback?.Rating);

        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var conversation = (await grain.GetConversationAsync(conversationId))!;
        Assert.Equal("연차 문의", conversation.Title);
        Assert.Equal(3, conversation.Turns.Count);
        Assert.Equal("wrong_answer", conversation.Turns[1].Feedback?.Reason);
        Assert.Equal(conversation.Turns[0].CreatedAt, conversation.CreatedAt);
        Assert.Equal(conversation.Turns[2].CreatedAt, conversation.UpdatedAt);

        // A follow-up after the restart still reads the earlier turns as its history, and lands as the fourth record.
        var follow = await AskAsync(grain, "그럼 1년 미만은?", conversationId);
        Assert.IsType<DoneEvent>(follow[^1]);
        Assert.Equal("그럼 1년 미만은?", (await StoredTurnAsync(grain, conversationId, 3))!.Turn!.Question);
    }

    [Fact]
    public async Task Deleting_a_conversation_removes_every_stored_turn()
    {
        var (grain, conversationId) = await ThreeTurnConversationAsync();
        Assert.True(await grain.DeleteConversationAsync(conversationId));

        Assert.All(await Task.WhenAll(Enumerable.Range(0, 3).Select(i => StoredTurnAsync(grain, conversationId, i))), Assert.Null);
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Empty(await grain.ListConversationsAsync());
        Assert.Null(await grain.GetConversationAsync(conversationId));
    }

    [Fact]
    public async Task A_conversation_keeps_its_newest_turns_up_to_the_cap()
    {
        var grain = fixture.Grains.GetGrain<IConversationGrain>($"usr_{Guid.NewGuid():N}/conv_0123456789abcdef");
        var started = DateTimeOffset.UtcNow;
        for (var i = 0; i < KnowledgeBase.Grains.ConversationGrain.MaxTurns + 3; i++)
            await grain.AppendAsync("긴 대화", new ConversationTurn($"msg_{i}", $"질문 {i}", "답변", "info_request", [], [],
                new TokenUsage(1, 1, 2), 0, started.AddSeconds(i), true, null, null));

        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var conversation = (await grain.GetAsync())!;
        Assert.Equal(KnowledgeBase.Grains.ConversationGrain.MaxTurns, conversation.Turns.Count);
        Assert.Equal(("질문 3", $"질문 {KnowledgeBase.Grains.ConversationGrain.MaxTurns + 2}"), (conversation.Turns[0].Question, conversation.Turns[^1].Question));
        Assert.Equal(started, conversation.CreatedAt); // the conversation began with the turn that was dropped
    }

    private static async Task<T> CopyStateAsync<T>(Orleans.Storage.IGrainStorage storage, string name, IUserSessionGrain from, IUserSessionGrain to)
        where T : new()
    {
        var state = new GrainState<T>();
        await storage.ReadStateAsync(name, from.GetGrainId(), state);
        await storage.WriteStateAsync(name, to.GetGrainId(), new GrainState<T>(state.State));
        return state.State!;
    }

    [Fact]
    public async Task Ledger_ignores_older_or_repeated_totals()
    {
        var ledger = fixture.Grains.GetGrain<ICostLedgerGrain>("day:test-" + Guid.NewGuid().ToString("N")[..6]);
        await ledger.ApplyAsync([new PeriodUserTotal("u1", 500, 0.01m, 2, Sequence: 5)]);
        await ledger.ApplyAsync([new PeriodUserTotal("u1", 300, 0.005m, 1, Sequence: 4)]);
        await ledger.ApplyAsync([new PeriodUserTotal("u1", 500, 0.01m, 2, Sequence: 5), new PeriodUserTotal("u2", 100, 0m, 1, 1)]);
        var snapshot = await ledger.GetAsync();
        Assert.Equal(600, snapshot.Tokens);
        Assert.Equal(3, snapshot.Requests);
    }
}
