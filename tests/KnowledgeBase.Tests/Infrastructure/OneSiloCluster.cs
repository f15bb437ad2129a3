using Orleans.Hosting;
using Orleans.TestingHost;

namespace KnowledgeBase.Tests.Infrastructure;

/// <summary>A test class's own one-silo Orleans test cluster, configured by <typeparamref name="TConfigurator"/>, started
/// before each test and stopped after it, with the class's scratch folder removed.</summary>
public abstract class OneSiloCluster<TConfigurator> : IAsyncLifetime where TConfigurator : ISiloConfigurator, new()
{
    protected TestCluster Cluster { get; private set; } = null!;

    /// <summary>The folder the configurator points the silo's files at; deleted when the cluster stops.</summary>
    protected abstract string ScratchFolder { get; }

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<TConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        // The next test's silo opens the same database path: a pooled connection to this test's deleted file would
        // serve it a database without tables.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(ScratchFolder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
