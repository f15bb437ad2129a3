using KnowledgeBase.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace KnowledgeBase.Tests.Infrastructure;

/// <summary>Orleans' in-process test cluster with two silos sharing one SQLite grain store; each silo keeps its own
/// index folder, as separate machines would.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public static readonly string Root = Path.Combine(Path.GetTempPath(), "kb-cluster-tests", Guid.NewGuid().ToString("N")[..12]);

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        private static int _silos;

        public void Configure(ISiloBuilder silo)
        {
            // A test restarting a silo hands it the folder of the one it replaces (KB_SILO_DIR).
            var own = silo.Configuration["KB_SILO_DIR"] is { Length: > 0 } given ? given : Path.Combine(Root, "silo" + Interlocked.Increment(ref _silos));
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DATABASE_URL"] = "sqlite:///" + Path.Combine(Root, "grains.db"),
                ["DATA_DIR"] = Path.Combine(own, "data"),
                ["STORAGE_DIR"] = Path.Combine(Root, "storage"),
                ["LOG_DIR"] = Path.Combine(own, "logs"),
            }).Build();
            silo.AddGrainStorage(config);
            silo.UseInMemoryReminderService();
            silo.Services.AddKnowledgeBaseServices(config);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
