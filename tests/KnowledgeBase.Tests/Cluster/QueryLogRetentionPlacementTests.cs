using System.Net;
using KnowledgeBase.Grains.Clustering;
using KnowledgeBase.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.Runtime;

namespace KnowledgeBase.Tests.Cluster;

/// <summary>Each silo keeps its own query log: the retention run reaches every silo's files through a grain placed on
/// the silo its key names. Two real silos in this process, each with its own LOG_DIR.</summary>
public sealed class QueryLogRetentionPlacementTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "kb-placement-tests", Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task Each_silos_query_log_is_pruned_on_that_silo()
    {
        var primaryPort = ApiFactory.FreePort();
        using var first = await StartSiloAsync("first", primaryPort, primaryPort);
        using var second = await StartSiloAsync("second", ApiFactory.FreePort(), primaryPort);
        var grains = first.Services.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        // Placement reads the calling silo's own membership view, which can lag the management grain's list.
        var view = first.Services.GetRequiredService<Orleans.Runtime.IClusterMembershipService>();
        while (((await management.GetHosts(onlyActive: true)).Count < 2
                || view.CurrentSnapshot.Members.Values.Count(m => m.Status == Orleans.Runtime.SiloStatus.Active) < 2)
               && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        var silos = (await management.GetHosts(onlyActive: true)).Keys.ToList();
        Assert.Equal(2, silos.Count);

        var cutoff = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var old = "rag-" + cutoff.AddDays(-1).ToString("yyyy-MM-dd") + ".jsonl";
        foreach (var name in new[] { "first", "second" })
        {
            Directory.CreateDirectory(LogDir(name));
            await File.WriteAllTextAsync(Path.Combine(LogDir(name), old), "{\"timestamp\":\"2000-01-01T00:00:00.000Z\"}\n");
        }

        // Called from the first silo for both, as the retention grain does.
        var removed = 0;
        foreach (var silo in silos)
            removed += await grains.GetGrain<IQueryLogRetentionGrain>(silo.ToParsableString()).PruneAsync(cutoff);

        Assert.Equal(2, removed);
        Assert.False(File.Exists(Path.Combine(LogDir("first"), old)));
        Assert.False(File.Exists(Path.Combine(LogDir("second"), old)));
    }

    [Fact]
    public async Task A_gone_silos_key_prunes_nothing_where_it_lands()
    {
        var port = ApiFactory.FreePort();
        using var silo = await StartSiloAsync("only", port, port);
        Directory.CreateDirectory(LogDir("only"));
        var file = Path.Combine(LogDir("only"), "rag-2000-01-01.jsonl");
        await File.WriteAllTextAsync(file, "{\"timestamp\":\"2000-01-01T00:00:00.000Z\"}\n");
        var gone = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, ApiFactory.FreePort()), 1);

        var removed = await silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IQueryLogRetentionGrain>(gone.ToParsableString())
            .PruneAsync(DateTimeOffset.UtcNow);

        Assert.Equal(0, removed);
        Assert.True(File.Exists(file));
    }

    private string LogDir(string silo) => Path.Combine(root, silo, "logs");

    private async Task<IHost> StartSiloAsync(string name, int siloPort, int primaryPort)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<KnowledgeBaseOptions>(o => o.LogDir = LogDir(name));
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, ApiFactory.FreePort(), new IPEndPoint(IPAddress.Loopback, primaryPort));
            silo.AddSiloKeyedPlacement();
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }
}
