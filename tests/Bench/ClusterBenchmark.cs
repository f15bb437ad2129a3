using KnowledgeBase.LocalCluster;
using KnowledgeBase.OpenAiStub;

namespace KnowledgeBase.Bench;

/// <summary>`chat --cluster`: the same simulated users and model stub against four set-ups, so that each layer's cost
/// shows as a difference: a plain ASP.NET relay (no Orleans), the api co-hosting its silo, the api as a client of one
/// silo process, and of three. Every set-up runs on Redis membership and PostgreSQL grain state, with no documents
/// (retrieval over an empty index), so that the figures compare hops, not search work.</summary>
public static class ClusterBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var users = ChatBenchmark.IntArg(args, "--users", 32);
        var seconds = ChatBenchmark.IntArg(args, "--seconds", 10);
        var delayMs = ChatBenchmark.IntArg(args, "--delay-ms", 50);
        var answerWords = ChatBenchmark.IntArg(args, "--answer-words", 30);
        Console.WriteLine($"chat --cluster: {Environment.ProcessorCount} cores, {users} users, {seconds} s per run, model first token after {delayMs} ms, " +
            $"answers of {answerWords} words; load generator, stub and every process on this machine");

        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions
        {
            FirstTokenDelay = TimeSpan.FromMilliseconds(delayMs),
            RecordRequests = false,
            EmbeddingDimensions = 256,
            Responder = _ => string.Join(' ', Enumerable.Range(1, answerWords).Select(i => i == answerWords ? "끝입니다." : "연차휴가는")),
        });

        var rows = new List<(string Name, ChatBenchmark.LoadResult Result)>();
        await using (var baseline = await BaselineServer.StartAsync(stub.BaseUrl, LocalServers.FreePort()))
        {
            var clients = Enumerable.Range(0, users).Select(_ => ChatBenchmark.NewClient(baseline.BaseUrl)).ToArray();
            await RoundTripsAsync("baseline (ASP.NET relay, no Orleans)", clients[0]);
            rows.Add(("baseline (ASP.NET relay, no Orleans)", await MeasureAsync(clients, seconds, delayMs)));
            Report(rows[^1], delayMs, rows[0].Result);
        }
        foreach (var (name, silos) in new[] { ("api co-hosting its silo", 0), ("api client + 1 silo", 1), ("api client + 3 silos", 3) })
        {
            await using var cluster = await ProcessCluster.StartAsync(new ProcessClusterOptions
            {
                Silos = silos,
                Apis = 1,
                Chroma = false,
                Settings = new Dictionary<string, string>
                {
                    ["OPENAI_API_KEY"] = "bench-key",
                    ["OPENAI_BASE_URL"] = stub.BaseUrl,
                    ["RATE_LIMIT_PER_MINUTE"] = "100000",
                    ["DAILY_TOKEN_BUDGET"] = "100000000000",
                    ["MONTHLY_TOKEN_BUDGET"] = "100000000000",
                },
            });
            var api = cluster.Apis[0];
            var clients = await Task.WhenAll(Enumerable.Range(0, users).Select(i => ChatBenchmark.SignInAsync(api, $"bench{i}@soosan.com")));
            await RoundTripsAsync(name, clients[0]);
            rows.Add((name, await MeasureAsync(clients, seconds, delayMs)));
            Report(rows[^1], delayMs, rows[0].Result);
        }
        return 0;
    }

    /// <summary>The hop alone: one user, one request at a time, GET /api/auth/me (JWT check and one grain call that
    /// reads memory; the baseline answers a constant).</summary>
    private static async Task RoundTripsAsync(string name, HttpClient client, int count = 2000)
    {
        for (var i = 0; i < 200; i++) (await client.GetAsync("/api/auth/me")).EnsureSuccessStatusCode();
        var times = new double[count];
        for (var i = 0; i < count; i++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            (await client.GetAsync("/api/auth/me")).EnsureSuccessStatusCode();
            times[i] = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        Array.Sort(times);
        Console.WriteLine($"{name,-38} GET /api/auth/me, 1 user: p50={times[count / 2]:F2}ms p99={times[count * 99 / 100]:F2}ms");
    }

    private static async Task<ChatBenchmark.LoadResult> MeasureAsync(HttpClient[] clients, int seconds, int delayMs)
    {
        await ChatBenchmark.RunLoadAsync(clients, TimeSpan.FromSeconds(Math.Max(2, seconds / 3)), delayMs, report: false);
        return await ChatBenchmark.RunLoadAsync(clients, TimeSpan.FromSeconds(seconds), delayMs, report: true);
    }

    private static void Report((string Name, ChatBenchmark.LoadResult Result) row, int delayMs, ChatBenchmark.LoadResult baseline)
    {
        var r = row.Result;
        var throughput = r.Turns / r.Elapsed.TotalSeconds;
        var baseThroughput = baseline.Turns / baseline.Elapsed.TotalSeconds;
        double Overhead(ChatBenchmark.LoadResult x, double p) => Math.Max(0.01, x.P(p) - delayMs);
        Console.WriteLine($"{row.Name,-38} turns={r.Turns} errors={r.Errors} cached={r.Cached} throughput={throughput:F0}/s ({throughput / baseThroughput:F2}x baseline) " +
            $"overhead_p50={Overhead(r, 50):F1}ms ({Overhead(r, 50) / Overhead(baseline, 50):F1}x) overhead_p99={Overhead(r, 99):F1}ms ({Overhead(r, 99) / Overhead(baseline, 99):F1}x)");
    }
}
