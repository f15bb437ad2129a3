using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using KnowledgeBase.Api.Endpoints;
using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Evaluation;
using KnowledgeBase.Grains.Storage;

namespace KnowledgeBase.Api.Evaluation;

/// <summary>The `eval` verb: starts the product embedded in a temporary folder (same wiring as `dotnet run --project
/// api`, the models configured in the environment, every other part embedded), ingests the documents of the given
/// folders through the upload path, runs the golden set as <see cref="EvaluationRunner"/> does for the admin console,
/// prints the figures and exits 1 when one is below its threshold:
///   eval --golden FILE --documents DIR|FILE [--documents DIR|FILE…] [--min-search1 X] [--min-search3 X] [--min-search10 X]
///        [--min-mrr X] [--min-answer-hit X] [--min-no-result-precision X] [--min-no-result-recall X] [--json OUT]</summary>
public static class EvalCommand
{
    private static readonly string[] ProductionSwitches = ["REDIS_URL", "DATABASE_URL", "CHROMA_URL", "S3_BUCKET", "ORLEANS_MODE", "METRICS_PORT", "OTEL_EXPORTER_OTLP_ENDPOINT"];
    private static readonly TimeSpan IngestTimeout = TimeSpan.FromMinutes(10);

    public static readonly IReadOnlyDictionary<string, Func<EvaluationTotals, double>> Thresholds = new Dictionary<string, Func<EvaluationTotals, double>>
    {
        ["--min-search1"] = t => t.SearchAt1,
        ["--min-search3"] = t => t.SearchAt3,
        ["--min-search10"] = t => t.SearchAt10,
        ["--min-mrr"] = t => t.Mrr10,
        ["--min-answer-hit"] = t => t.AnswerHitRate,
        ["--min-no-result-precision"] = t => t.NoResultPrecision,
        ["--min-no-result-recall"] = t => t.NoResultRecall,
    };

    public static bool Matches(string[] args) => args.Length > 0 && args[0] == "eval";

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken = default)
    {
        string? golden = null;
        var folders = new List<string>();
        var minimums = new Dictionary<string, double>();
        string? jsonOut = null;
        for (var i = 1; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--golden" when value is not null: golden = value; i++; break;
                case "--documents" when value is not null: folders.Add(value); i++; break;
                case "--json" when value is not null: jsonOut = value; i++; break;
                case var name when Thresholds.ContainsKey(name) && double.TryParse(value, CultureInfo.InvariantCulture, out var min):
                    minimums[name] = min;
                    i++;
                    break;
                default:
                    output.WriteLine($"eval: unknown or incomplete option '{args[i]}'");
                    output.WriteLine("usage: eval --golden FILE --documents DIR [--documents DIR…] [--min-search3 0.92 …] [--json OUT]");
                    return 2;
            }
        }
        if (golden is null || !File.Exists(golden)) { output.WriteLine($"eval: golden set not found: {golden ?? "(give --golden FILE)"}"); return 2; }
        if (folders.FirstOrDefault(f => !Directory.Exists(f) && !File.Exists(f)) is { } missing) { output.WriteLine($"eval: no such file or folder: {missing}"); return 2; }

        IReadOnlyList<GoldenQuestion> questions;
        try
        {
            questions = GoldenSet.Parse(await File.ReadAllTextAsync(golden, cancellationToken));
        }
        catch (GoldenSetException ex)
        {
            output.WriteLine("eval: " + ex.Message);
            return 2;
        }

        var root = Directory.CreateTempSubdirectory("kb-eval-").FullName;
        try
        {
            await using var app = Build(root);
            await app.StartAsync(cancellationToken);
            var files = folders.SelectMany<string, string>(f => File.Exists(f) ? [f] : Directory.EnumerateFiles(f).Order(StringComparer.Ordinal)).ToList();
            var failed = await IngestAsync(app.Services, files, output, cancellationToken);
            if (failed > 0) { output.WriteLine($"eval: {failed} document(s) failed to ingest"); return 1; }

            var results = await app.Services.GetRequiredService<EvaluationRunner>().RunAsync(questions, cancellationToken: cancellationToken);
            var totals = EvaluationScoring.Totals(results);
            Print(results, totals, output);
            if (jsonOut is not null)
                await File.WriteAllTextAsync(jsonOut, JsonSerializer.Serialize(new { totals, results }, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
            await app.StopAsync(cancellationToken);

            var below = minimums.Where(m => Thresholds[m.Key](totals) < m.Value).ToList();
            foreach (var (name, min) in below) output.WriteLine($"BELOW THRESHOLD {name[6..]}: {Thresholds[name](totals):F3} < {min:F3}");
            return below.Count == 0 ? 0 : 1;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static WebApplication Build(string root)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        var settings = new Dictionary<string, string?>
        {
            ["DATA_DIR"] = Path.Combine(root, "data"),
            ["STORAGE_DIR"] = Path.Combine(root, "storage"),
            ["LOG_DIR"] = Path.Combine(root, "logs"),
            // "urls" is the key the host reads (ASPNETCORE_URLS only as an environment variable): without it Kestrel takes port 5000.
            ["urls"] = "http://127.0.0.1:" + FreePort(),
            ["SILO_PORT"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["GATEWAY_PORT"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["ORLEANS_CLUSTER_ID"] = "eval-" + Guid.NewGuid().ToString("N")[..8],
            ["APP_ENV"] = "dev",
            ["STRICT_ENV"] = "false",
        };
        foreach (var name in ProductionSwitches) settings[name] = "";
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddKnowledgeBaseApi();
        return builder.Build();
    }

    /// <summary>Stores each file and submits it to its document grain, as the upload endpoint does, then waits for every
    /// document to be ready. Returns how many failed.</summary>
    private static async Task<int> IngestAsync(IServiceProvider services, IReadOnlyList<string> files, TextWriter output, CancellationToken cancellationToken)
    {
        var grains = services.GetRequiredService<IClusterClient>();
        var blobs = services.GetRequiredService<IBlobStore>();
        var ids = new List<(string Id, string Name)>();
        foreach (var path in files)
        {
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
            var id = "doc_" + sha[..12];
            var name = Path.GetFileName(path);
            var contentType = DocumentEndpoints.GuessContentType(name, null);
            var blobKey = $"documents/{id}/{sha}";
            await blobs.PutAsync(blobKey, new MemoryStream(bytes), contentType, cancellationToken);
            await grains.GetGrain<IDocumentGrain>(id).SubmitAsync(new DocumentUpload(name, contentType, bytes.Length, sha, blobKey, [], EvaluationRunner.EvaluationUserId));
            ids.Add((id, name));
        }

        var deadline = DateTime.UtcNow + IngestTimeout;
        var failed = 0;
        foreach (var (id, name) in ids)
        {
            while (true)
            {
                var info = await grains.GetGrain<IDocumentGrain>(id).GetAsync();
                if (info?.Status == DocumentStatus.Ready) { output.WriteLine($"ingested {name}: {info.ChunkCount} chunks"); break; }
                if (info?.Status == DocumentStatus.Failed || DateTime.UtcNow > deadline)
                {
                    output.WriteLine($"FAILED {name}: {info?.Error ?? "not ready in time"}");
                    failed++;
                    break;
                }
                await Task.Delay(100, cancellationToken);
            }
        }
        return failed;
    }

    private static void Print(IReadOnlyList<EvaluationQuestionResult> results, EvaluationTotals totals, TextWriter output)
    {
        foreach (var r in results.Where(r => r.Error is not null || (r.ExpectsNoAnswer ? !r.NoResult : r.Rank is null or > 3 || r.AnswerHit != true)))
        {
            var verdict = r.ExpectsNoAnswer ? "answered though nothing answers it" : $"rank {r.Rank?.ToString(CultureInfo.InvariantCulture) ?? "-"}, answer {(r.NoResult ? "noResult" : r.AnswerHit == true ? "hit" : "miss")}";
            output.WriteLine($"{r.Id} [{r.Language}/{r.Kind}] {r.Question} → {verdict}{(r.Error is null ? "" : " ERROR " + r.Error)}");
            if (!r.ExpectsNoAnswer && r.AnswerHit != true) output.WriteLine($"    expected {string.Join(", ", r.ExpectedPhrases)}; top: {string.Join(" | ", r.TopSources)}");
        }
        output.WriteLine();
        output.WriteLine($"questions {totals.Questions} (answerable {totals.Answerable}, unanswerable {totals.Unanswerable}, errors {totals.Errors})");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"search@1 {totals.SearchAt1:F3}  search@3 {totals.SearchAt3:F3}  search@10 {totals.SearchAt10:F3}  MRR@10 {totals.Mrr10:F3}  answer hit {totals.AnswerHitRate:F3}  no-result precision {totals.NoResultPrecision:F3}  recall {totals.NoResultRecall:F3}"));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
