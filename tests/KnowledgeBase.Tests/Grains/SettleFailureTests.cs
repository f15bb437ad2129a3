using KnowledgeBase.Grains.Chat;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using KnowledgeBase.Tests.Infrastructure;
using Orleans.TestingHost;

namespace KnowledgeBase.Tests.Grains;

/// <summary>Turns that end in a failure are settled once, correctly: a turn whose history cannot be written (its
/// conversation grain was on a silo that just died) is not charged later by the next turn's write, and a turn whose
/// search failed is refused with a retryable error and logged with the time it really took.</summary>
public sealed class SettleFailureTests : OneSiloCluster<SettleFailureTests.SiloConfigurator>
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "kb-settle-tests", Guid.NewGuid().ToString("N")[..12]);
    protected override string ScratchFolder => Root;

    [Fact]
    public async Task A_turn_whose_history_write_fails_is_not_charged_by_the_next_turn()
    {
        var id = FailingAppend.UserPrefix + Guid.NewGuid().ToString("N")[..12];
        var grain = Cluster.GrainFactory.GetGrain<IUserSessionGrain>(id);
        await grain.InitializeAsync(new UserProfile(id, id + "@soosan.com", "테스트", Roles.Member, DateTimeOffset.UtcNow), new BudgetLimits(200_000, 2_000_000, 10_000));

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var _ in grain.AskAsync(new ChatRequest("연차 유급휴가는 며칠인가요?", null))) { }
        });
        var afterFailure = await grain.GetUsageAsync();
        Assert.Equal(0, afterFailure!.UsedToday);
        Assert.Equal(0, afterFailure.ReservedTokens);

        var events = new List<ChatEvent>();
        await foreach (var e in grain.AskAsync(new ChatRequest("휴게시간은 얼마나 주어야 하나요?", null))) events.Add(e);
        var done = Assert.IsType<DoneEvent>(events[^1]);
        await Cluster.GrainFactory.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var usage = await grain.GetUsageAsync();
        Assert.Equal(done.Usage.TotalTokens, usage!.UsedToday);
        var conversations = await grain.ListConversationsAsync();
        Assert.Equal(((MetaEvent)events[0]).ConversationId, Assert.Single(conversations).ConversationId);
    }

    [Fact]
    public async Task A_turn_stored_by_a_conversation_call_whose_answer_was_lost_keeps_its_charge_and_is_listed()
    {
        var id = LostAppendAnswer.UserPrefix + Guid.NewGuid().ToString("N")[..12];
        var grain = Cluster.GrainFactory.GetGrain<IUserSessionGrain>(id);
        await grain.InitializeAsync(new UserProfile(id, id + "@soosan.com", "테스트", Roles.Member, DateTimeOffset.UtcNow), new BudgetLimits(200_000, 2_000_000, 10_000));

        var events = new List<ChatEvent>();
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var e in grain.AskAsync(new ChatRequest("안녕하세요, 연차 유급휴가는 며칠인가요?", null))) events.Add(e);
        });

        // The conversation stored the turn although the call failed: the turn is listed and charged what it cost.
        var meta = Assert.IsType<MetaEvent>(events[0]);
        var conversation = await grain.GetConversationAsync(Assert.Single(await grain.ListConversationsAsync()).ConversationId);
        var stored = Assert.Single(conversation!.Turns);
        Assert.Equal(meta.MessageId, stored.MessageId);
        var usage = await grain.GetUsageAsync();
        Assert.Equal((stored.Usage.TotalTokens, 0L), (usage!.UsedToday, usage.ReservedTokens));
    }

    [Fact]
    public async Task A_failed_search_ends_the_turn_with_a_retryable_error_charges_nothing_and_logs_its_real_latency()
    {
        var id = "usr_failsearch_" + Guid.NewGuid().ToString("N")[..12];
        var grain = Cluster.GrainFactory.GetGrain<IUserSessionGrain>(id);
        await grain.InitializeAsync(new UserProfile(id, id + "@soosan.com", "테스트", Roles.Member, DateTimeOffset.UtcNow), new BudgetLimits(200_000, 2_000_000, 10_000));

        var events = new List<ChatEvent>();
        await foreach (var e in grain.AskAsync(new ChatRequest(FailingSearch.Marker + " 연차는 며칠인가요?", null))) events.Add(e);

        Assert.IsType<MetaEvent>(events[0]);
        var error = Assert.IsType<ErrorEvent>(Assert.Single(events, e => e is not MetaEvent));
        Assert.Equal("retrieval_error", error.Code);
        var usage = await grain.GetUsageAsync();
        Assert.Equal((0L, 0L), (usage!.UsedToday, usage.ReservedTokens));
        Assert.Empty(await grain.ListConversationsAsync());
        var logged = Assert.Single(RecordingQueryLog.Records, r => r.UserId == id);
        Assert.Equal("WARNING", logged.Level);
        Assert.True(logged.LatencyBreakdown.RetrievalMs >= FailingSearch.Delay.TotalMilliseconds, $"retrieval {logged.LatencyBreakdown.RetrievalMs} ms");
        Assert.True(logged.LatencyMs >= logged.LatencyBreakdown.RetrievalMs, $"turn {logged.LatencyMs} ms");
    }

    /// <summary>A search that fails after a while for questions carrying the marker, as a search backend timing out would.</summary>
    private sealed class FailingSearch(IRetriever inner) : IRetriever
    {
        public const string Marker = "[검색 장애]";
        public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(150);

        public async Task<IReadOnlyList<SearchHit>> RetrieveAsync(string query, int topK, IReadOnlyList<string>? tags, IReadOnlyCollection<string>? collections,
            CancellationToken cancellationToken = default)
        {
            if (!query.Contains(Marker, StringComparison.Ordinal)) return await inner.RetrieveAsync(query, topK, tags, collections, cancellationToken);
            await Task.Delay(Delay, cancellationToken);
            throw new InvalidOperationException("simulated: the search backend timed out");
        }
    }

    private sealed class RecordingQueryLog : IQueryLog
    {
        public static readonly System.Collections.Concurrent.ConcurrentQueue<RagQueryRecord> Records = new();

        public void Write(RagQueryRecord record) => Records.Enqueue(record);
    }

    /// <summary>Fails the first conversation write of each test user, as a conversation grain on a dead silo would.</summary>
    private sealed class FailingAppend : IIncomingGrainCallFilter
    {
        public const string UserPrefix = "usr_failappend_";
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Failed = new();

        public Task Invoke(IIncomingGrainCallContext context)
        {
            var key = context.TargetId.Key.ToString() ?? "";
            if (context.InterfaceMethod?.Name == nameof(IConversationGrain.AppendAsync) && key.StartsWith(UserPrefix, StringComparison.Ordinal)
                && Failed.TryAdd(key.Split('/')[0], true))
                throw new SiloUnavailableException("simulated: the conversation's silo died");
            return context.Invoke();
        }
    }

    /// <summary>Lets the first conversation write of each test user happen and then fails the call, as when the
    /// conversation's silo dies after storing the turn and before answering.</summary>
    private sealed class LostAppendAnswer : IIncomingGrainCallFilter
    {
        public const string UserPrefix = "usr_lostanswer_";
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Failed = new();

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            await context.Invoke();
            var key = context.TargetId.Key.ToString() ?? "";
            if (context.InterfaceMethod?.Name == nameof(IConversationGrain.AppendAsync) && key.StartsWith(UserPrefix, StringComparison.Ordinal)
                && Failed.TryAdd(key.Split('/')[0], true))
                throw new SiloUnavailableException("simulated: the conversation's silo died before answering");
        }
    }

    public sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DATABASE_URL"] = "sqlite:///" + Path.Combine(Root, "grains.db"),
                ["DATA_DIR"] = Path.Combine(Root, "data"),
                ["STORAGE_DIR"] = Path.Combine(Root, "storage"),
                ["LOG_DIR"] = Path.Combine(Root, "logs"),
            }).Build();
            silo.AddGrainStorage(config);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<IQueryLog, RecordingQueryLog>();
            silo.Services.AddSingleton<IRetriever>(sp => new FailingSearch(ActivatorUtilities.CreateInstance<HybridRetriever>(sp)));
            silo.Services.AddKnowledgeBaseServices(config);
            silo.AddIncomingGrainCallFilter<FailingAppend>();
            silo.AddIncomingGrainCallFilter<LostAppendAnswer>();
        }
    }
}
