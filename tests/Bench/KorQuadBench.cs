using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using KnowledgeBase.Contracts;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Ingestion;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Bench;

/// <summary>Ingests the KorQuAD 1.0 dev paragraphs (one text document each) through the real ingestion pipeline into a
/// temporary DATA_DIR, asks every question through the real retriever, and reports recall, MRR and latency.
/// With --repeat N the corpus is ingested N times under distinct ids to measure latency at scale.</summary>
public static class KorQuadBench
{
    internal sealed record Paragraph(int Index, string Title, string Context);
    internal sealed record Question(int Paragraph, string Text);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("usage: korquad PATH/KorQuAD_v1.0_dev.json [--repeat N] [--parallel N] [--fusion rrf|score] [--vector-weight W] [--index-dir DIR (kept and reused)] [--show-slowest N]");
            return 2;
        }
        var path = args[0];
        var repeat = IntOption(args, "--repeat", 1);
        var parallel = IntOption(args, "--parallel", Environment.ProcessorCount * 4);
        var (paragraphs, questions) = Load(path);
        Console.WriteLine($"korquad: {paragraphs.Count} paragraphs, {questions.Count} questions, repeat {repeat}");

        // --index-dir keeps the index between runs: a corpus of 100k chunks takes minutes to ingest, and latency work
        // needs many runs over the same index.
        var keptDir = StringOption(args, "--index-dir");
        var dataDir = keptDir ?? Path.Combine(Path.GetTempPath(), "kb-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var services = new ServiceCollection()
            .AddLogging(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning))
            .Configure<KnowledgeBaseOptions>(o =>
            {
                o.DataDir = dataDir;
                o.StorageDir = Path.Combine(dataDir, "storage");
                o.ChunkTokens = IntOption(args, "--chunk-tokens", o.ChunkTokens);
                o.ChunkOverlapTokens = IntOption(args, "--overlap-tokens", o.ChunkOverlapTokens);
            })
            .AddIngestion()
            .AddRetrieval(o => ConfigureRetrieval(o, args));
        try
        {
            await using (var provider = services.BuildServiceProvider())
            {
                var pipeline = provider.GetRequiredService<IngestionPipeline>();
                var retriever = provider.GetRequiredService<IRetriever>();
                var index = provider.GetRequiredService<IKnowledgeIndex>();

                var ingest = Stopwatch.StartNew();
                var reuse = keptDir is not null && index.ChunkCount > 0;
                var jobs = Enumerable.Range(0, repeat).SelectMany(r => paragraphs.Select(p => (Copy: r, Paragraph: p)));
                if (reuse) jobs = [];
                await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (job, ct) =>
                {
                    var (copy, p) = job;
                    await using var content = new MemoryStream(Encoding.UTF8.GetBytes($"{p.Title}\n\n{p.Context}\n"));
                    await pipeline.RunAsync(DocumentId(copy, p.Index), content, FileName(p), "text/plain", [], cancellationToken: ct);
                });
                ingest.Stop();
                var chunks = index.ChunkCount;
                if (reuse) Console.WriteLine($"reusing the index in {keptDir}");
                else Console.WriteLine($"ingest: {repeat * paragraphs.Count} documents, {chunks} chunks in {ingest.Elapsed.TotalSeconds:F1} s " +
                    $"({repeat * paragraphs.Count / ingest.Elapsed.TotalSeconds:F0} docs/s)");

                Console.WriteLine($"index: {await RetrievalBench.SettledSegmentsAsync(index)} segment(s)");
                // Warm-up (JIT, caches) before the measured pass.
                foreach (var q in questions.Take(200)) await retriever.RetrieveAsync(q.Text, 10, null, null);

                var ranks = new int[questions.Count];
                var latencies = new double[questions.Count];
                for (var i = 0; i < questions.Count; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    var hits = await retriever.RetrieveAsync(questions[i].Text, 10, null, null);
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    ranks[i] = Rank(hits, questions[i].Paragraph);
                }
                // --show-slowest N: the slowest questions, each asked five more times (is the cost the question's own?).
                foreach (var i in Enumerable.Range(0, latencies.Length).OrderByDescending(i => latencies[i]).Take(IntOption(args, "--show-slowest", 0)))
                {
                    var again = new List<double>();
                    for (var k = 0; k < 5; k++)
                    {
                        var t0 = Stopwatch.GetTimestamp();
                        await retriever.RetrieveAsync(questions[i].Text, 10, null, null);
                        again.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    }
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"slow: {latencies[i]:F1} ms, again {string.Join(' ', again.Select(a => a.ToString("F1", CultureInfo.InvariantCulture)))}: {questions[i].Text}"));
                }
                Array.Sort(latencies);
                GC.Collect();
                var managedMb = GC.GetTotalMemory(forceFullCollection: true) / 1024.0 / 1024.0;
                var rssMb = Process.GetCurrentProcess().WorkingSet64 / 1024.0 / 1024.0;
                Console.WriteLine($"latency: p50={Percentile(latencies, 0.50):F2} ms p99={Percentile(latencies, 0.99):F2} ms " +
                    $"max={latencies[^1]:F2} ms over {chunks} chunks; memory: managed {managedMb:F0} MB, RSS {rssMb:F0} MB");

                double Recall(int k) => ranks.Count(r => r >= 1 && r <= k) / (double)ranks.Length;
                var mrr = ranks.Sum(r => r is >= 1 and <= 10 ? 1.0 / r : 0) / ranks.Length;
                if (repeat > 1)
                    Console.WriteLine("(with --repeat, copies of a paragraph tie; quality below counts any copy)");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"recall@1={Recall(1):F4} recall@5={Recall(5):F4} recall@10={Recall(10):F4} mrr@10={mrr:F4}"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"korquad: mrr@10={mrr:F4} recall@5={Recall(5):F4}"));
            }
            return 0;
        }
        finally
        {
            if (keptDir is null && Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        }
    }

    private static string DocumentId(int copy, int paragraph) => $"doc_kq{copy:D3}p{paragraph:D4}";

    private static string FileName(Paragraph p) => $"korquad-{p.Index:D4}.txt";

    /// <summary>1-based rank of the first hit from the question's own paragraph (any copy), 0 when absent.</summary>
    private static int Rank(IReadOnlyList<SearchHit> hits, int paragraph)
    {
        var suffix = $"p{paragraph:D4}";
        for (var i = 0; i < hits.Count; i++)
            if (hits[i].DocumentId.EndsWith(suffix, StringComparison.Ordinal)) return i + 1;
        return 0;
    }

    internal static (List<Paragraph>, List<Question>) Load(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        var paragraphs = new List<Paragraph>();
        var questions = new List<Question>();
        foreach (var article in json.RootElement.GetProperty("data").EnumerateArray())
        {
            var title = article.GetProperty("title").GetString()!.Replace('_', ' ');
            foreach (var p in article.GetProperty("paragraphs").EnumerateArray())
            {
                var paragraph = new Paragraph(paragraphs.Count, title, p.GetProperty("context").GetString()!);
                paragraphs.Add(paragraph);
                foreach (var qa in p.GetProperty("qas").EnumerateArray())
                    questions.Add(new Question(paragraph.Index, qa.GetProperty("question").GetString()!));
            }
        }
        return (paragraphs, questions);
    }

    internal static double Percentile(double[] sorted, double p)
        => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    internal static int IntOption(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    internal static string? StringOption(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Tuning knobs for experiments; the defaults are what the product ships.</summary>
    private static void ConfigureRetrieval(RetrievalOptions o, string[] args)
    {
        if (StringOption(args, "--fusion") is { } fusion)
            o.Fusion = fusion == "rrf" ? FusionMethod.ReciprocalRank : FusionMethod.NormalizedScore;
        void Float(string name, Action<float> set)
        {
            if (StringOption(args, name) is { } v) set(float.Parse(v, CultureInfo.InvariantCulture));
        }
        Float("--vector-weight", v => o.VectorWeight = v);
        Float("--k1", v => o.Bm25K1 = v);
        Float("--b", v => o.Bm25B = v);
        Float("--unigram-boost", v => o.UnigramBoost = v);
        Float("--trigram-boost", v => o.TrigramBoost = v);
        Float("--stem-boost", v => o.StemBoost = v);
        Float("--candidates", v => o.Candidates = (int)v);
        Float("--pair-boost", v => o.PairBoost = v);
        Float("--title-boost", v => o.TitleBoost = v);
        Float("--section-boost", v => o.SectionBoost = v);
        Float("--rrf-k", v => o.RrfK = (int)v);
        Float("--rerank-depth", v => o.RerankDepth = (int)v);
        Float("--coverage-weight", v => o.CoverageWeight = v);
        Float("--proximity-weight", v => o.ProximityWeight = v);
        Float("--heading-weight", v => o.HeadingWeight = v);
        Float("--common-term-fraction", v => o.CommonTermFraction = v);
        Float("--common-terms-min-chunks", v => o.CommonTermsMinChunks = (int)v);
        Float("--max-rare-terms", v => o.MaxRareTermsPerField = (int)v);
        Float("--max-per-doc", v => o.MaxChunksPerDocument = (int)v);
    }
}
