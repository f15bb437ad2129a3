using System.Diagnostics;
using KnowledgeBase.Grains.Retrieval;
using KnowledgeBase.Grains.Retrieval.Replication;
using KnowledgeBase.Grains.Storage;
using KnowledgeBase.Grains.Hosting;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace KnowledgeBase.Tests.Cluster;

/// <summary>A document ingested on one silo is found through every silo; deletion follows; a silo that starts later
/// with an empty disk rebuilds its index from the chunk files. The shared two-silo cluster has separate DATA_DIRs
/// (their own Lucene indexes) over one grain database and one blob folder, as machines sharing SQL and S3 would.</summary>
[Collection(ClusterCollection.Name)]
[Trait(Tier.Name, Tier.Full)]
public sealed class IndexReplicationTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    private IEnumerable<InProcessSiloHandle> Silos => fixture.Cluster.GetActiveSilos().Cast<InProcessSiloHandle>();

    [Fact]
    public async Task A_document_ingested_through_one_silo_is_found_through_every_silo_and_its_deletion_follows()
    {
        var id = await IngestAsync("minimum-wage-act.md", "wage");
        var ready = Stopwatch.StartNew();
        foreach (var silo in Silos)
        {
            var found = await WaitUntilAsync(() => FindsAsync(silo, "최저임금의 결정 기준", id));
            output.WriteLine($"{silo.Name}: found {ready.ElapsedMilliseconds} ms after ready");
            Assert.True(found < Limit, $"{silo.Name} found the document after {found}");
        }
        // The chunk file the other silos read is in the shared blob store.
        var blobs = Silos.First().ServiceProvider.GetRequiredService<IBlobStore>();
        var version = (await fixture.Cluster.GrainFactory.GetGrain<IDocumentGrain>(id).GetAsync())!.Version;
        Assert.NotNull(await blobs.OpenReadAsync(ChunkFiles.Key(id, version)));

        Assert.True(await fixture.Cluster.GrainFactory.GetGrain<IDocumentGrain>(id).DeleteAsync());
        var deleted = Stopwatch.StartNew();
        foreach (var silo in Silos)
        {
            var gone = await WaitUntilAsync(async () => !await FindsAsync(silo, "최저임금의 결정 기준", id));
            output.WriteLine($"{silo.Name}: deletion seen {deleted.ElapsedMilliseconds} ms after it returned");
            Assert.True(gone < Limit, $"{silo.Name} still found the deleted document after {gone}");
        }
        Assert.Null(await blobs.OpenReadAsync(ChunkFiles.Key(id, version)));
    }

    [Fact]
    public async Task A_silo_started_later_with_an_empty_data_dir_catches_up_from_chunk_files()
    {
        var id = await IngestAsync("retirement-benefit-act.md", "retirement");
        var started = Stopwatch.StartNew();
        var late = (InProcessSiloHandle)await fixture.Cluster.StartAdditionalSiloAsync();
        try
        {
            output.WriteLine($"third silo started in {started.ElapsedMilliseconds} ms");
            var found = await WaitUntilAsync(() => FindsAsync(late, "퇴직금제도의 설정", id));
            output.WriteLine($"third silo found the document {found.TotalMilliseconds:F0} ms after it started");
            // Rebuilding grows with the corpus and includes the silo's warm-up, so the bound is looser than for one document.
            Assert.True(found < 2 * Limit, $"the new silo found the document after {found}");
        }
        finally
        {
            await fixture.Cluster.StopSiloAsync(late);
        }
    }

    [Fact]
    public async Task A_restarted_silo_applies_only_what_changed_while_it_was_down()
    {
        var kept = await IngestAsync("equal-employment-act.md", "equality");
        var removed = await IngestAsync("labor-standards-decree.md", "decree");
        var secondary = Silos.Single(s => s.Name != fixture.Cluster.Primary!.Name);
        Assert.True(await WaitUntilAsync(() => FindsAsync(secondary, "육아휴직", kept)) < Limit);
        Assert.True(await WaitUntilAsync(() => FindsAsync(secondary, "시행령", removed)) < Limit);
        // The restarted silo gets the folder of the one it replaces.
        var folder = Path.GetDirectoryName(Path.GetFullPath(secondary.ServiceProvider.GetRequiredService<IOptions<KnowledgeBaseOptions>>().Value.DataDir))!;
        await fixture.Cluster.StopSiloAsync(secondary);

        // While it is down: one document added, one deleted.
        var added = await IngestAsync("minimum-wage-act.md", "wage");
        Assert.True(await fixture.Cluster.GrainFactory.GetGrain<IDocumentGrain>(removed).DeleteAsync());

        var restarted = (InProcessSiloHandle)await fixture.Cluster.StartSiloAsync(secondary.InstanceNumber, fixture.Cluster.Options,
            [new MemoryConfigurationSource { InitialData = new Dictionary<string, string?> { ["KB_SILO_DIR"] = folder } }], false);
        try
        {
            var replicator = restarted.ServiceProvider.GetRequiredService<IndexReplicator>();
            var watch = Stopwatch.StartNew();
            // A document becomes searchable a moment before its revision is recorded, so both are awaited.
            var caughtUp = await WaitUntilAsync(async () => await FindsAsync(restarted, "최저임금의 결정 기준", added)
                && !await FindsAsync(restarted, "시행령", removed)
                && replicator.AppliedRevisions.ContainsKey(added) && !replicator.AppliedRevisions.ContainsKey(removed));
            output.WriteLine($"restarted silo caught up {watch.ElapsedMilliseconds} ms after it started");
            Assert.True(caughtUp < Limit, $"the restarted silo caught up after {caughtUp}");
            Assert.True(await FindsAsync(restarted, "육아휴직", kept), "what it had before the restart is still found");
            Assert.Equal(1, replicator.DocumentsApplied);
        }
        finally
        {
            // Leave the fixture with two silos for the other tests.
            await restarted.StopSiloAsync(stopGracefully: true);
            await fixture.Cluster.StartAdditionalSiloAsync();
        }
    }

    private Task<string> IngestAsync(string file, string tag) => ClusterDocuments.IngestAsync(fixture, file, tag);

    private static async Task<bool> FindsAsync(InProcessSiloHandle silo, string query, string documentId)
    {
        var hits = await silo.ServiceProvider.GetRequiredService<IRetriever>().RetrieveAsync(query, 5, null, null);
        return hits.Any(h => h.DocumentId == documentId);
    }

    /// <summary>How long until the condition held (up to three times the limit).</summary>
    private static Task<TimeSpan> WaitUntilAsync(Func<Task<bool>> condition) => ClusterDocuments.WaitUntilAsync(condition, 3 * Limit);
}
