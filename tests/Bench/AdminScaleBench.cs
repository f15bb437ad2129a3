using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KnowledgeBase.Contracts;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.LocalCluster;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Bench;

/// <summary>Whether the admin pages and ingestion stay flat as the company grows: the real api process is measured at a
/// small size (100 users, 1,000 documents) and again after growing to a large one (10,000 users, 20,000 documents).
/// Users, their spend and the catalog entries are written through the grains the product uses (an Orleans client joins
/// the api's silo), feedback through the feedback log; a sample of real uploads goes through the whole ingestion path at
/// each size. Printed per size: the median time of each admin page (first and a deep page) and of an upload until
/// ready, and the time per catalog write while growing.</summary>
public static class AdminScaleBench
{
    private const string Password = "correct-horse-battery";

    public static async Task<int> RunAsync(string[] args)
    {
        var small = (Users: Int(args, "--small-users", 100), Documents: Int(args, "--small-documents", 1_000));
        var large = (Users: Int(args, "--users", 10_000), Documents: Int(args, "--documents", 20_000));
        var uploads = Int(args, "--uploads", 10);
        var repeat = Int(args, "--repeat", 15);
        var root = Path.Combine(Path.GetTempPath(), "kb-bench-admin", Guid.NewGuid().ToString("N")[..8]);
        var clusterId = "bench-" + Guid.NewGuid().ToString("N")[..8];
        var port = LocalServers.FreePort();
        var gatewayPort = LocalServers.FreePort();
        var environment = BenchEnvironment.ForApi(root);
        environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        environment["SILO_PORT"] = LocalServers.FreePort().ToString();
        environment["GATEWAY_PORT"] = gatewayPort.ToString();
        environment["ORLEANS_CLUSTER_ID"] = clusterId;
        Directory.CreateDirectory(root);
        try
        {
            await using var api = await HostProcess.StartAsync(HostProcess.DllPath("api", "KnowledgeBase.Api.dll"), environment, port);
            using var client = new HttpClient { BaseAddress = new Uri(api.BaseUrl), Timeout = TimeSpan.FromMinutes(5) };
            var token = await SignUp.SignInAsync(client, api.Lines, BenchEnvironment.AdminEmail, Password, "관리자");
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["GATEWAY_PORT"] = gatewayPort.ToString(),
                ["ORLEANS_CLUSTER_ID"] = clusterId,
            }).Build();
            using var host = Host.CreateDefaultBuilder().UseOrleansClient(c => c.AddKnowledgeBaseClient(config))
                .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning)).Build();
            await host.StartAsync();
            var grains = host.Services.GetRequiredService<IClusterClient>();
            var population = new Population(grains, DateTimeOffset.UtcNow);

            Console.WriteLine($"load before: {Load()}");
            await population.GrowAsync(small.Users, small.Documents);
            var before = await MeasureAsync(client, uploads, repeat, "small");
            Console.WriteLine($"load: {Load()}");
            await population.GrowAsync(large.Users, large.Documents);
            var after = await MeasureAsync(client, uploads, repeat, "large");
            Console.WriteLine($"load after: {Load()}");

            Console.WriteLine();
            Console.WriteLine($"| measure (median ms) | {small.Users:N0} users, {small.Documents:N0} documents | {large.Users:N0} users, {large.Documents:N0} documents |");
            Console.WriteLine("| --- | ---: | ---: |");
            foreach (var name in before.Keys)
                Console.WriteLine($"| {name} | {before[name]:F1} | {after[name]:F1} |");
            Console.WriteLine($"| catalog write while growing (ms per document) | {population.CatalogWriteMs(0):F2} | {population.CatalogWriteMs(1):F2} |");
            await host.StopAsync();
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<Dictionary<string, double>> MeasureAsync(HttpClient client, int uploads, int repeat, string label)
    {
        var total = (await client.GetFromJsonAsync<JsonElement>("/api/admin/usage?limit=1")).GetProperty("total").GetInt32();
        var documents = (await client.GetFromJsonAsync<JsonElement>("/api/documents?take=1")).GetProperty("total").GetInt32();
        var pages = new (string Name, string Path)[]
        {
            ("usage, first page of 50", "/api/admin/usage?offset=0&limit=50"),
            ("usage, a deep page", $"/api/admin/usage?offset={Math.Max(0, total / 2)}&limit=50"),
            ("documents, first page of 50", "/api/documents?skip=0&take=50"),
            ("documents, a deep page", $"/api/documents?skip={Math.Max(0, documents / 2)}&take=50"),
            ("documents, name search", "/api/documents?q=bench-0042&take=50"),
            ("feedback, first page of 100", "/api/admin/feedback?rating=down&take=100"),
            ("metrics, 30 days", "/api/admin/metrics?days=30"),
        };
        var result = new Dictionary<string, double>();
        foreach (var (name, path) in pages)
        {
            (await client.GetAsync(path)).EnsureSuccessStatusCode();
            var times = new List<double>();
            for (var i = 0; i < repeat; i++)
            {
                var watch = Stopwatch.StartNew();
                (await client.GetAsync(path)).EnsureSuccessStatusCode();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            result[name] = Median(times);
        }
        var uploadTimes = new List<double>();
        for (var i = 0; i < uploads; i++)
        {
            var text = $"# {label} 규정 {i} {Guid.NewGuid():N}\n\n제{i}조 (연차) 직원은 1년에 15일의 연차 유급휴가를 받는다. 제{i + 1}조 (휴게) 4시간마다 30분을 쉰다.\n";
            var watch = Stopwatch.StartNew();
            using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(text)), "file", $"{label}-{i}.md" } };
            var response = await client.PostAsync("/api/documents", form);
            response.EnsureSuccessStatusCode();
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString();
            while ((await client.GetFromJsonAsync<JsonElement>($"/api/documents/{id}")).GetProperty("status").GetString() is var status && status != "ready")
            {
                if (status == "failed") throw new InvalidOperationException($"{id} failed to ingest");
                await Task.Delay(10);
            }
            uploadTimes.Add(watch.Elapsed.TotalMilliseconds);
        }
        result["upload until ready (real ingestion)"] = Median(uploadTimes);
        foreach (var (name, ms) in result) Console.WriteLine($"{label}: {name}: {ms:F1} ms");
        return result;
    }

    /// <summary>The users, their spend, feedback and catalog entries, grown in steps.</summary>
    private sealed class Population(IClusterClient grains, DateTimeOffset now)
    {
        private int _users;
        private int _documents;
        private readonly List<double> _catalogWriteMs = [];

        public double CatalogWriteMs(int step) => _catalogWriteMs[step];

        public async Task GrowAsync(int users, int documents)
        {
            var watch = Stopwatch.StartNew();
            var day = "day:" + KnowledgeBase.Grains.Chat.BudgetPeriods.FromId(null).At(now).Day;
            var month = "month:" + KnowledgeBase.Grains.Chat.BudgetPeriods.FromId(null).At(now).Month;
            var added = Enumerable.Range(_users, users - _users)
                .Select(i => new UserProfile($"u_bench{i:D6}", $"bench{i:D6}@soosan.com", $"사용자 {i}", "user", now)).ToList();
            foreach (var batch in added.Chunk(1000))
            {
                await grains.GetGrain<IUserDirectoryGrain>("all").AddManyAsync(batch);
                await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = 16 },
                    async (profile, _) => await grains.GetGrain<IUserSessionGrain>(profile.UserId).InitializeAsync(profile, new BudgetLimits(200_000, 2_000_000)));
                // About a third of the users spent today.
                var spent = batch.Where((_, i) => i % 3 == 0).Select((p, i) => (p, tokens: 500L + i * 37 % 20_000)).ToList();
                await grains.GetGrain<ICostLedgerGrain>(day).ApplyAsync(spent.Select(s => new PeriodUserTotal(s.p.UserId, s.tokens, s.tokens * 0.000002m, 3, 1)).ToList());
                await grains.GetGrain<ICostLedgerGrain>(month).ApplyAsync(spent.Select(s => new PeriodUserTotal(s.p.UserId, s.tokens * 10, s.tokens * 0.00002m, 30, 1)).ToList());
                // One rating in ten users.
                foreach (var profile in batch.Where((_, i) => i % 10 == 0))
                    await grains.GetGrain<IFeedbackLogGrain>("all").AddAsync(new FeedbackReport(profile.UserId, "c_" + profile.UserId, "m_" + profile.UserId,
                        "연차 유급휴가는 며칠인가요?", "근로기준법 제60조에 따라 15일입니다. [1]", [], new MessageFeedback("down", "wrong_answer", null, now)));
            }
            _users = users;
            Console.WriteLine($"users: {users:N0} ({watch.Elapsed.TotalSeconds:F0} s)");

            watch.Restart();
            var catalog = grains.GetGrain<IDocumentCatalogGrain>("all");
            var count = documents - _documents;
            await Parallel.ForEachAsync(Enumerable.Range(_documents, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            {
                var id = $"doc_bench{i:D8}";
                var at = now.AddSeconds(-i);
                await catalog.UpsertAsync(new DocumentInfo(id, $"bench-{i:D5}.pdf", $"사내 문서 {i}", "application/pdf", 100_000, id, DocumentStatus.Ready, null, 40,
                    [i % 2 == 0 ? "hr" : "finance"], $"u_bench{i % Math.Max(1, users):D6}", at, at, 1, $"documents/{id}/x", null));
            });
            _documents = documents;
            _catalogWriteMs.Add(watch.Elapsed.TotalMilliseconds / Math.Max(1, count));
            Console.WriteLine($"documents: {documents:N0} ({watch.Elapsed.TotalSeconds:F0} s, {_catalogWriteMs[^1]:F2} ms per catalog write)");
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? 0 : values[values.Count / 2];
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    private static int Int(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
    }
}
