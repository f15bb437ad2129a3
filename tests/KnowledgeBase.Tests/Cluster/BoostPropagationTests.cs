using System.Diagnostics;
using KnowledgeBase.Grains.Ingestion;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace KnowledgeBase.Tests.Cluster;

/// <summary>An admin's boost, and its removal, reach every silo's copy by push, well before the 30 s renewal.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BoostPropagationTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private IEnumerable<InProcessSiloHandle> Silos => fixture.Cluster.GetActiveSilos().Cast<InProcessSiloHandle>();

    private bool EverySiloBoosts(string question, string chunkId) =>
        Silos.All(s => s.ServiceProvider.GetRequiredService<BoostRegistry>().ChunksFor(question, ReadOnlySpan<float>.Empty).Contains(chunkId));

    private bool NoSiloBoosts(string question, string chunkId) =>
        Silos.All(s => !s.ServiceProvider.GetRequiredService<BoostRegistry>().ChunksFor(question, ReadOnlySpan<float>.Empty).Contains(chunkId));

    [Fact]
    public async Task A_boost_and_its_removal_are_in_force_on_every_silo_within_a_second()
    {
        var document = await ClusterDocuments.IngestAsync(fixture, "minimum-wage-act.md", "boost");
        var chunk = IngestionPipeline.ChunkId(document, 2);
        var grain = fixture.Grains.GetGrain<IRetrievalBoostsGrain>("all");
        var question = $"수습 기간 최저임금 감액 {Guid.NewGuid():N}";
        // The grain reads the chunk from its silo's index, which follows the ingestion within moments.
        RetrievalBoost? boost = null;
        await ClusterDocuments.WaitUntilAsync(async () => (boost = await grain.AddAsync(question, chunk, null, "test")) is not null, TimeSpan.FromSeconds(10));
        Assert.NotNull(boost);
        var added = Stopwatch.StartNew();
        var applied = await ClusterDocuments.WaitUntilAsync(() => Task.FromResult(EverySiloBoosts(question, chunk)), TimeSpan.FromSeconds(5));
        output.WriteLine($"boost applied on {Silos.Count()} silos {added.ElapsedMilliseconds} ms after it was stored");
        Assert.True(applied < TimeSpan.FromSeconds(1), $"the boost reached every silo after {applied}");

        Assert.True(await grain.RemoveAsync(boost!.Id));
        var removed = await ClusterDocuments.WaitUntilAsync(() => Task.FromResult(NoSiloBoosts(question, chunk)), TimeSpan.FromSeconds(5));
        output.WriteLine($"removal applied after {removed.TotalMilliseconds:F0} ms");
        Assert.True(removed < TimeSpan.FromSeconds(1), $"the removal reached every silo after {removed}");
    }
}
