using System.Security.Cryptography;
using KnowledgeBase.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace KnowledgeBase.Tests.Cluster;

/// <summary>Ingests a statute through a document grain of the shared cluster, as an upload would.</summary>
internal static class ClusterDocuments
{
    public static async Task<string> IngestAsync(ClusterFixture fixture, string file, string tag)
    {
        var silos = fixture.Cluster.GetActiveSilos().Cast<InProcessSiloHandle>();
        var bytes = await File.ReadAllBytesAsync(TestData.LaborLaw(file));
        // A unique copy per run, so that the document id (content hash) is new.
        bytes = [.. bytes, .. System.Text.Encoding.UTF8.GetBytes($"\n\n<!-- {Guid.NewGuid()} -->\n")];
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var id = "doc_" + sha[..12];
        var key = $"documents/{id}/1/{sha}";
        await silos.First().ServiceProvider.GetRequiredService<IBlobStore>().PutAsync(key, new MemoryStream(bytes), "text/markdown");
        var grain = fixture.Cluster.GrainFactory.GetGrain<IDocumentGrain>(id);
        await grain.SubmitAsync(new DocumentUpload(file, "text/markdown", bytes.Length, sha, key, [tag], "tester"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await grain.GetAsync())?.Status is not DocumentStatus.Ready)
        {
            Assert.True(DateTime.UtcNow < deadline, "ingestion did not finish");
            Assert.NotEqual(DocumentStatus.Failed, (await grain.GetAsync())?.Status);
            await Task.Delay(50);
        }
        return id;
    }

    /// <summary>How long until the condition held, checked every 20 ms, giving up after <paramref name="limit"/>.</summary>
    public static async Task<TimeSpan> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            if (await condition()) return watch.Elapsed;
            await Task.Delay(20);
        }
        return watch.Elapsed;
    }
}
