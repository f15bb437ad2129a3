using System.Diagnostics;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Ingestion;
using KnowledgeBase.Grains.Retrieval;
using KnowledgeBase.LocalCluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Bench;

/// <summary>`retrieval`: the chat benchmark's questions through the real retriever over the five statutes, in process and
/// on one thread: the retrieval share of a chat turn's CPU, without HTTP, grains or a model.</summary>
public static class RetrievalBench
{
    /// <summary>Waits (up to a minute) for the merge into one segment that a quiet index of up to
    /// <see cref="RetrievalOptions.CompactMaxChunks"/> chunks gets in production, so queries are measured on the index
    /// users search; returns the segment count.</summary>
    public static async Task<int> SettledSegmentsAsync(IKnowledgeIndex index)
    {
        if (index is not HybridKnowledgeIndex hybrid) return 0;
        var waited = Stopwatch.StartNew();
        while (hybrid.SegmentCount > 1 && hybrid.ChunkCount <= new RetrievalOptions().CompactMaxChunks && waited.Elapsed < TimeSpan.FromMinutes(1))
            await Task.Delay(250);
        return hybrid.SegmentCount;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var queries = ChatBenchmark.IntArg(args, "--queries", 20_000);
        var sharedData = Path.GetFullPath(Path.Combine(HostProcess.RepoRoot(), "..", "shared", "data"));
        var statutes = Directory.GetFiles(Path.Combine(sharedData, "labor-law"), "*.md").Where(f => !f.EndsWith("SOURCE.md")).Order().ToList();
        var dataDir = Path.Combine(Path.GetTempPath(), "kb-retrieval-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var provider = new ServiceCollection()
                .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
                .Configure<KnowledgeBaseOptions>(o => (o.DataDir, o.StorageDir) = (dataDir, Path.Combine(dataDir, "storage")))
                .AddIngestion()
                .AddRetrieval()
                .BuildServiceProvider();
            var pipeline = provider.GetRequiredService<IngestionPipeline>();
            foreach (var file in statutes)
            {
                await using var content = File.OpenRead(file);
                await pipeline.RunAsync("doc_" + Path.GetFileNameWithoutExtension(file).Replace('-', '_'), content, Path.GetFileName(file), "text/markdown", []);
            }
            var retriever = provider.GetRequiredService<IRetriever>();
            var index = provider.GetRequiredService<IKnowledgeIndex>();
            Console.WriteLine($"retrieval: {statutes.Count} statutes, {index.ChunkCount} chunks, {await SettledSegmentsAsync(index)} segment(s)");

            string Question(int i) => $"{ChatBenchmark.Questions[i % ChatBenchmark.Questions.Length]} ({i % 64}-{i / 64})";
            for (var i = 0; i < 2_000; i++) await retriever.RetrieveAsync(Question(i), 10, null);
            var latencies = new double[queries];
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < queries; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await retriever.RetrieveAsync(Question(i), 10, null);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            watch.Stop();
            var perQueryKb = (GC.GetAllocatedBytesForCurrentThread() - allocated) / 1024.0 / queries;
            Array.Sort(latencies);
            Console.WriteLine($"retrieval: {queries} queries, {queries / watch.Elapsed.TotalSeconds:F0}/s on one thread, " +
                $"p50={latencies[queries / 2] * 1000:F0} us p99={latencies[(int)(queries * 0.99)] * 1000:F0} us, ~{perQueryKb:F0} KB allocated per query");
            return 0;
        }
        finally
        {
            if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        }
    }
}
