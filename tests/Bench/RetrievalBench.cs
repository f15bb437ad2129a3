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
        if (Array.IndexOf(args, "--collections") >= 0) return await RunPermissionFilterAsync(args);
        if (Array.IndexOf(args, "--stock") >= 0) return await RunStockComparisonAsync(args);
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
            for (var i = 0; i < 2_000; i++) await retriever.RetrieveAsync(Question(i), 10, null, null);
            var latencies = new double[queries];
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < queries; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await retriever.RetrieveAsync(Question(i), 10, null, null);
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

    /// <summary>`retrieval --collections 50 [--chunks 100000] [--queries 4000] [--korquad PATH] [--index-dir DIR]`: what the
    /// permission filter costs. KorQuAD paragraphs are indexed directly (offline embedder, 10 chunks per document, document
    /// i in collection i mod C) up to the chunk count, then the same questions are asked, interleaved, without a filter (an
    /// admin), with C-1 readable collections, C/2 and 1; latencies per scenario.</summary>
    private static async Task<int> RunPermissionFilterAsync(string[] args)
    {
        var collections = KorQuadBench.IntOption(args, "--collections", 50);
        var chunkTarget = KorQuadBench.IntOption(args, "--chunks", 100_000);
        var queries = KorQuadBench.IntOption(args, "--queries", 4_000);
        var sharedData = Path.GetFullPath(Path.Combine(HostProcess.RepoRoot(), "..", "shared", "data"));
        var korquad = KorQuadBench.StringOption(args, "--korquad") ?? Path.Combine(sharedData, "korquad", "KorQuAD_v1.0_dev.json");
        var keptDir = KorQuadBench.StringOption(args, "--index-dir");
        var dataDir = keptDir ?? Path.Combine(Path.GetTempPath(), "kb-filter-" + Guid.NewGuid().ToString("N")[..8]);
        var (paragraphs, questions) = KorQuadBench.Load(korquad);
        string Collection(int document) => document % collections == 0 ? Contracts.DefaultCollection.Id : $"col_bench{document % collections:00}";
        try
        {
            await using var provider = new ServiceCollection()
                .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
                .Configure<KnowledgeBaseOptions>(o => o.DataDir = dataDir)
                .AddIngestion()
                .AddRetrieval()
                .BuildServiceProvider();
            var index = provider.GetRequiredService<IKnowledgeIndex>();
            var retriever = provider.GetRequiredService<IRetriever>();
            var embedder = provider.GetRequiredService<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>();
            if (index.ChunkCount == 0)
                Console.WriteLine($"filter: indexed in {await IndexKorQuadAsync(provider, paragraphs, chunkTarget, Collection):F0} s");
            Console.WriteLine($"filter: {index.ChunkCount} chunks in {collections} collections, {await SettledSegmentsAsync(index)} segment(s)");

            var all = Enumerable.Range(0, collections).Select(Collection).ToList();
            (string Name, IReadOnlyCollection<string>? Readable)[] scenarios =
            [
                ("no filter (admin)", null),
                ($"{collections - 1} of {collections}", all.Skip(1).ToList()),
                ($"{collections / 2} of {collections}", all.Where((_, i) => i % 2 == 0).ToList()),
                ($"1 of {collections}", [all[1]]),
            ];
            for (var i = 0; i < 400; i++)
                foreach (var (_, readable) in scenarios) await retriever.RetrieveAsync(questions[i % questions.Count].Text, 10, null, readable);
            var latencies = scenarios.Select(_ => new double[queries]).ToArray();
            for (var i = 0; i < queries; i++)
            {
                var question = questions[(i * 7919) % questions.Count].Text;
                // Interleaved, in a rotating order, so drift and GC fall on every scenario alike.
                for (var k = 0; k < scenarios.Length; k++)
                {
                    var s = (i + k) % scenarios.Length;
                    var started = Stopwatch.GetTimestamp();
                    await retriever.RetrieveAsync(question, 10, null, scenarios[s].Readable);
                    latencies[s][i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            }
            var baseP99 = 0.0;
            for (var s = 0; s < scenarios.Length; s++)
            {
                Array.Sort(latencies[s]);
                var (p50, p99) = (KorQuadBench.Percentile(latencies[s], 0.5), KorQuadBench.Percentile(latencies[s], 0.99));
                if (s == 0) baseP99 = p99;
                Console.WriteLine($"filter: {scenarios[s].Name,-20} p50={p50:F2} ms p99={p99:F2} ms" + (s == 0 ? "" : $"  p99 {(p99 / baseP99 - 1) * 100:+0.0;-0.0}% vs no filter"));
            }
            return 0;
        }
        finally
        {
            if (keptDir is null && Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>KorQuAD paragraphs indexed directly (offline embedder, 10 chunks per document, document d in
    /// <paramref name="collection"/>(d)) up to <paramref name="chunkTarget"/> chunks; returns the seconds taken.</summary>
    private static async Task<double> IndexKorQuadAsync(IServiceProvider provider, IReadOnlyList<KorQuadBench.Paragraph> paragraphs,
        int chunkTarget, Func<int, string> collection)
    {
        var index = provider.GetRequiredService<IKnowledgeIndex>();
        var embedder = provider.GetRequiredService<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>();
        var ingest = Stopwatch.StartNew();
        const int perDocument = 10;
        var documents = (chunkTarget + perDocument - 1) / perDocument;
        await Parallel.ForEachAsync(Enumerable.Range(0, documents), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (d, token) =>
            {
                var documentId = $"doc_b{d:000000}";
                var texts = Enumerable.Range(0, perDocument).Select(i => paragraphs[(d * perDocument + i) % paragraphs.Count]).ToList();
                var vectors = await embedder.GenerateAsync(texts.Select(p => $"{p.Title}\n{p.Context}"), cancellationToken: token);
                var chunks = texts.Select((p, i) => new IndexedChunk(IngestionPipeline.ChunkId(documentId, i), documentId, p.Title + ".txt", p.Title, "",
                    null, p.Context, [], vectors[i].Vector, collection(d))).ToList();
                await index.ReplaceDocumentAsync(documentId, chunks, token);
            });
        return ingest.Elapsed.TotalSeconds;
    }

    /// <summary>`retrieval --stock [--chunks 100000] [--queries 4000]`: the tuned index against indexes where Lucene's own
    /// parts replace the tuned ones (<see cref="StockLuceneParts"/>), in one process: over the five statutes with the chat
    /// benchmark's questions every part alone and all together; over KorQuAD paragraphs up to the chunk count with its
    /// questions, all together. The indexes are queried in turn, interleaved in a rotating order, so load and GC fall on
    /// all alike; each must return the same chunks as the tuned one . `--chunks 0` skips KorQuAD.</summary>
    private static async Task<int> RunStockComparisonAsync(string[] args)
    {
        var chunkTarget = KorQuadBench.IntOption(args, "--chunks", 100_000);
        var queries = KorQuadBench.IntOption(args, "--queries", 4_000);
        var sharedData = Path.GetFullPath(Path.Combine(HostProcess.RepoRoot(), "..", "shared", "data"));
        var statutes = Directory.GetFiles(Path.Combine(sharedData, "labor-law"), "*.md").Where(f => !f.EndsWith("SOURCE.md")).Order().ToList();
        var (paragraphs, korquad) = KorQuadBench.Load(Path.Combine(sharedData, "korquad", "KorQuAD_v1.0_dev.json"));
        var root = Path.Combine(Path.GetTempPath(), "kb-stock-" + Guid.NewGuid().ToString("N")[..8]);
        ServiceProvider Provider(string name, StockLuceneParts stock) => new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .Configure<KnowledgeBaseOptions>(o => (o.DataDir, o.StorageDir) = (Path.Combine(root, name), Path.Combine(root, name, "storage")))
            .AddIngestion()
            .AddRetrieval(o => o.StockLucene = stock)
            .BuildServiceProvider();
        try
        {
            StockLuceneParts[] small = [StockLuceneParts.None, StockLuceneParts.TermQuery, StockLuceneParts.Statistics, StockLuceneParts.All];
            StockLuceneParts[] large = [StockLuceneParts.None, StockLuceneParts.TermQuery, StockLuceneParts.All];
            foreach (var (corpus, variants) in new[] { ("statutes", small), ("korquad", large) })
            {
                if (corpus == "korquad" && chunkTarget == 0) continue;
                if (corpus == "korquad")
                {
                    // One index built, then copied for each variant: the parts change how an index is read, not what is in it.
                    await using (var builder = Provider($"{corpus}-0", StockLuceneParts.None))
                    {
                        await IndexKorQuadAsync(builder, paragraphs, chunkTarget, _ => Contracts.DefaultCollection.Id);
                        await SettledSegmentsAsync(builder.GetRequiredService<IKnowledgeIndex>());
                    }
                    for (var i = 1; i < variants.Length; i++) CopyDirectory(Path.Combine(root, $"{corpus}-0"), Path.Combine(root, $"{corpus}-{i}"));
                }
                var providers = variants.Select((v, i) => Provider($"{corpus}-{i}", v)).ToList();
                try
                {
                    foreach (var provider in providers.Where(_ => corpus == "statutes"))
                    {
                        var pipeline = provider.GetRequiredService<IngestionPipeline>();
                        foreach (var file in statutes)
                        {
                            await using var content = File.OpenRead(file);
                            await pipeline.RunAsync("doc_" + Path.GetFileNameWithoutExtension(file).Replace('-', '_'), content, Path.GetFileName(file), "text/markdown", []);
                        }
                        await SettledSegmentsAsync(provider.GetRequiredService<IKnowledgeIndex>());
                    }
                    var questions = corpus == "statutes"
                        ? Enumerable.Range(0, queries).Select(i => $"{ChatBenchmark.Questions[i % ChatBenchmark.Questions.Length]} ({i % 64}-{i / 64})").ToArray()
                        : Enumerable.Range(0, queries).Select(i => korquad[(i * 7919) % korquad.Count].Text).ToArray();
                    var retrievers = providers.Select(p => p.GetRequiredService<IRetriever>()).ToArray();
                    var chunks = providers[0].GetRequiredService<IKnowledgeIndex>().ChunkCount;
                    for (var i = 0; i < Math.Min(400, queries); i++)
                        foreach (var retriever in retrievers) await retriever.RetrieveAsync(questions[i], 10, null, null);
                    var n = retrievers.Length;
                    var latencies = retrievers.Select(_ => new double[queries]).ToArray();
                    var allocated = new long[n];
                    var (differing, differingSets) = (new int[n], new int[n]);
                    for (var i = 0; i < queries; i++)
                    {
                        var results = new List<string>[n];
                        for (var k = 0; k < n; k++)
                        {
                            var s = (i + k) % n;
                            var before = GC.GetAllocatedBytesForCurrentThread();
                            var started = Stopwatch.GetTimestamp();
                            var hits = await retrievers[s].RetrieveAsync(questions[i], 10, null, null);
                            latencies[s][i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                            allocated[s] += GC.GetAllocatedBytesForCurrentThread() - before;
                            results[s] = hits.Select(h => h.ChunkId).ToList();
                        }
                        for (var s = 1; s < n; s++)
                        {
                            if (!results[s].SequenceEqual(results[0])) differing[s]++;
                            if (!results[s].ToHashSet().SetEquals(results[0])) differingSets[s]++;
                        }
                    }
                    var tunedRate = queries / latencies[0].Sum() * 1000;
                    for (var s = 0; s < n; s++)
                    {
                        var rate = queries / latencies[s].Sum() * 1000;
                        Array.Sort(latencies[s]);
                        var name = variants[s] == StockLuceneParts.None ? "tuned" : "stock " + variants[s];
                        Console.WriteLine($"stock: {corpus,-8} {chunks,7} chunks  {name,-22} {rate,5:F0} q/s ({tunedRate / rate:F2}x slower)  " +
                            $"p50={KorQuadBench.Percentile(latencies[s], 0.5):F2} ms p99={KorQuadBench.Percentile(latencies[s], 0.99):F2} ms  " +
                            $"{allocated[s] / 1024.0 / queries:F0} KB/query" + (s == 0 ? "" : $"  {differing[s]} of {queries} rankings differ, {differingSets[s]} in their chunks"));
                    }
                }
                finally
                {
                    foreach (var provider in providers) await provider.DisposeAsync();
                }
            }
            return 0;
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(directory.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            if (!file.EndsWith("write.lock")) File.Copy(file, file.Replace(from, to));
    }
}
