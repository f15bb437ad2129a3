using KnowledgeBase.Grains.Chat;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Models;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace KnowledgeBase.Tests.Grains;

/// <summary>Turns that end in a failure are settled once, correctly: a turn whose history cannot be written (its
/// conversation grain was on a silo that just died) is not charged later by the next turn's write, and a turn whose
/// search failed is refused with a retryable error and logged with the time it really took; a turn whose model broke
/// off is neither stored nor charged.</summary>
public sealed class SettleFailureTests : IAsyncLifetime
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "kb-settle-tests", Guid.NewGuid().ToString("N")[..12]);
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task A_turn_whose_history_write_fails_is_not_charged_by_the_next_turn()
    {
        var id = FailingAppend.UserPrefix + Guid.NewGuid().ToString("N")[..12];
        var grain = _cluster.GrainFactory.GetGrain<IUserSessionGrain>(id);
        await grain.InitializeAsync(new UserProfile(id, id + "@soosan.com", "테스트", Roles.User, DateTimeOffset.UtcNow), new BudgetLimits(200_000, 2_000_000, 10_000));

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
        await _cluster.GrainFactory.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var usage = await grain.GetUsageAsync();
        Assert.Equal(done.Usage.TotalTokens, usage!.UsedToday);
        var conversations = await grain.ListConversationsAsync();
        Assert.Equal(((MetaEvent)events[0]).ConversationId, Assert.Single(conversations).ConversationId);
    }

    [Fact]
    public async Task A_failed_search_ends_the_turn_with_a_retryable_error_charges_nothing_and_logs_its_real_latency()
    {
        var id = "usr_failsearch_" + Guid.NewGuid().ToString("N")[..12];
        var grain = _cluster.GrainFactory.GetGrain<IUserSessionGrain>(id);
        await grain.InitializeAsync(new UserProfile(id, id + "@soosan.com", "테스트", Roles.User, DateTimeOffset.UtcNow), new BudgetLimits(200_000, 2_000_000, 10_000));

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

    [Fact]
    public async Task A_turn_whose_model_fails_midway_is_neither_stored_nor_charged()
    {
        var id = "usr_failmodel_" + Guid.NewGuid().ToString("N")[..12];
        var grain = _cluster.GrainFactory.GetGrain<IUserSessionGrain>(id);
        await grain.InitializeAsync(new UserProfile(id, id + "@soosan.com", "테스트", Roles.User, DateTimeOffset.UtcNow), new BudgetLimits(200_000, 2_000_000, 10_000));
        var answered = await AskAsync(grain, "연차 유급휴가는 며칠인가요?", null);
        var conversationId = ((MetaEvent)answered[0]).ConversationId;

        // Three retries that each break after some text: the user saw an error each time, so nothing is kept or charged.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var failed = await AskAsync(grain, FailingModel.Marker + " 휴게시간은 얼마나 주어야 하나요?", conversationId);
            Assert.Contains(failed, e => e is DeltaEvent);
            Assert.Equal("model_error", Assert.IsType<ErrorEvent>(failed[^1]).Code);
        }

        var conversation = await grain.GetConversationAsync(conversationId);
        var stored = Assert.Single(conversation!.Turns);
        var usage = await grain.GetUsageAsync();
        Assert.Equal(((DoneEvent)answered[^1]).Usage.TotalTokens, usage!.UsedToday);
        Assert.Equal(stored.Usage.TotalTokens, usage.UsedToday);
        Assert.Equal(0, usage.ReservedTokens);
    }

    private static async Task<List<ChatEvent>> AskAsync(IUserSessionGrain grain, string question, string? conversationId)
    {
        var events = new List<ChatEvent>();
        await foreach (var e in grain.AskAsync(new ChatRequest(question, conversationId))) events.Add(e);
        return events;
    }

    /// <summary>A model that breaks off after its first words for questions carrying the marker, as a dropped connection would.</summary>
    private sealed class FailingModel(IChatClient inner) : DelegatingChatClient(inner)
    {
        public const string Marker = "[모델 장애]";

        public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            var failing = list.Any(m => m.Text.Contains(Marker, StringComparison.Ordinal));
            var count = 0;
            await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken))
            {
                if (failing && ++count > 3) throw new IOException("simulated: the model's connection dropped");
                yield return update;
            }
        }
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

    private sealed class SiloConfigurator : ISiloConfigurator
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
            silo.Services.AddSingleton<IQueryLog, RecordingQueryLog>();
            silo.Services.AddSingleton<IRetriever>(sp => new FailingSearch(ActivatorUtilities.CreateInstance<HybridRetriever>(sp)));
            silo.Services.AddSingleton<IChatClient>(sp => new FailingModel(new ExtractiveChatClient(sp.GetRequiredService<ITokenCounter>())));
            silo.Services.AddKnowledgeBaseServices(config);
            silo.AddIncomingGrainCallFilter<FailingAppend>();
        }
    }
}
