using KnowledgeBase.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace KnowledgeBase.Tests.Grains;

/// <summary>Two activations of one user's session writing the same stored record, as happens for a moment during a
/// failover: here two clusters sharing one database. The activation that loses the write race must not stay stuck
/// with a stale version (every later write failing): it answers 503-style once and then works from the stored state.</summary>
public sealed class StateConflictTests : IAsyncLifetime
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "kb-conflict-tests", Guid.NewGuid().ToString("N")[..12]);
    private static readonly string ServiceId = "conflict-" + Guid.NewGuid().ToString("N")[..8];
    private TestCluster _first = null!;
    private TestCluster _second = null!;

    public async Task InitializeAsync()
    {
        _first = await StartAsync();
        _second = await StartAsync();
    }

    private static async Task<TestCluster> StartAsync()
    {
        var builder = new TestClusterBuilder(1);
        // One service (grain state is keyed by it), two clusters: each has its own activation of the same grain.
        builder.Options.ServiceId = ServiceId;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public async Task DisposeAsync()
    {
        foreach (var cluster in new[] { _first, _second })
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task A_session_that_lost_a_write_race_reads_its_state_again_instead_of_failing_for_good()
    {
        var id = "usr_conflict_" + Guid.NewGuid().ToString("N")[..10];
        var first = _first.GrainFactory.GetGrain<IUserSessionGrain>(id);
        var second = _second.GrainFactory.GetGrain<IUserSessionGrain>(id);
        await first.InitializeAsync(new UserProfile(id, id + "@soosan.com", "충돌", Roles.Member, DateTimeOffset.UtcNow), new BudgetLimits(1_000_000, 10_000_000, 10_000));
        // Both activations now hold the same stored version.
        Assert.NotNull(await second.GetUsageAsync());

        var answered = await AskAsync(first, "연차 유급휴가는 며칠인가요?");
        var conflict = await Assert.ThrowsAsync<TransientException>(() => AskAsync(second, "휴게시간은 얼마나 주어야 하나요?"));
        Assert.Equal(TransientCodes.StateConflict, conflict.Code);

        // The next call activates the session again from what is stored: the first turn's charge is there, and it works.
        var before = await second.GetUsageAsync();
        Assert.Equal(answered.Usage.TotalTokens, before!.UsedToday);
        var again = await AskAsync(second, "휴게시간은 얼마나 주어야 하나요?");
        var after = await second.GetUsageAsync();
        Assert.Equal(answered.Usage.TotalTokens + again.Usage.TotalTokens, after!.UsedToday);
    }

    private static async Task<DoneEvent> AskAsync(IUserSessionGrain grain, string question)
    {
        var events = new List<ChatEvent>();
        await foreach (var e in grain.AskAsync(new ChatRequest(question, null))) events.Add(e);
        return Assert.IsType<DoneEvent>(events[^1]);
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        private static int _silos;

        public void Configure(ISiloBuilder silo)
        {
            var own = Path.Combine(Root, "silo" + Interlocked.Increment(ref _silos));
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DATABASE_URL"] = "sqlite:///" + Path.Combine(Root, "grains.db"),
                ["DATA_DIR"] = Path.Combine(own, "data"),
                ["STORAGE_DIR"] = Path.Combine(Root, "storage"),
                ["LOG_DIR"] = Path.Combine(own, "logs"),
            }).Build();
            silo.AddGrainStorage(config);
            silo.Services.AddKnowledgeBaseServices(config);
        }
    }
}
