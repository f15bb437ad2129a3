using KnowledgeBase.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace KnowledgeBase.Tests.Grains;

/// <summary>On SQLite, grain-state writes of this process take turns (one SQLite writer at a time) instead of colliding
/// and sleeping in the driver's 150 ms busy retry.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SqliteWriteGateTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Grains_write_through_the_gate_and_concurrent_writes_all_land()
    {
        var storages = fixture.Cluster.Silos.Cast<Orleans.TestingHost.InProcessSiloHandle>()
            .Select(s => s.SiloHost.Services.GetRequiredKeyedService<IGrainStorage>("kb")).ToList();
        Assert.All(storages, s => Assert.IsType<SqliteWriteGate>(s));

        // Both silos' storages write the same file at once; every write lands and reads back.
        var ids = Enumerable.Range(0, 200).Select(i => GrainId.Create("gatetest", $"{Guid.NewGuid():N}-{i}")).ToList();
        await Task.WhenAll(ids.Select((id, i) => storages[i % storages.Count]
            .WriteStateAsync("gate", id, new GrainState<string>($"상태 {i}"))));
        for (var i = 0; i < ids.Count; i++)
        {
            var read = new GrainState<string>();
            await storages[(i + 1) % storages.Count].ReadStateAsync("gate", ids[i], read);
            Assert.Equal($"상태 {i}", read.State);
        }
    }
}
