using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.LocalCluster;
using KnowledgeBase.OpenAiStub;

namespace KnowledgeBase.Bench;

/// <summary>`chat`: simulated users against the real api process, whose model is a local OpenAI-compatible stub with a
/// fixed first-token delay. Time to first token minus that delay is the product's own overhead.</summary>
public static class ChatBenchmark
{
    private const string Password = "bench-correct-horse-battery";

    public static async Task<int> RunAsync(string[] args)
    {
        var users = IntArg(args, "--users", 64);
        var seconds = IntArg(args, "--seconds", 15);
        var delayMs = IntArg(args, "--delay-ms", 50);
        var answerWords = IntArg(args, "--answer-words", 30);
        // A fresh process runs on quickly compiled code and recompiles its hot paths in the background for the first
        // minute or so under load (about 1,000 methods/s here); a server that has been up for a while does not.
        var warmupSeconds = IntArg(args, "--warmup-seconds", 60);
        // --think-ms N: each user pauses a random 0..2N ms between questions (default 0: back to back, as the targets
        // are stated). Back-to-back users with a fixed model delay move in step: a stall lines them all up, their
        // delays then end together and each wave queues behind itself, which shows as overhead even on an idle CPU.
        var thinkMs = IntArg(args, "--think-ms", 0);
        // --api-dll: run another build of the api, e.g. a ReadyToRun publish (dotnet publish -p:PublishReadyToRun=true).
        // --delays: the model delays to run (default: --delay-ms, then none); --skip-idle leaves out the idle-memory run.
        var delays = StringArg(args, "--delays", $"{delayMs},0").Split(',').Select(int.Parse).ToArray();
        var skipIdle = args.Contains("--skip-idle");
        var apiDll = StringArg(args, "--api-dll", HostProcess.DllPath("api", "KnowledgeBase.Api.dll"));
        var sharedData = StringArg(args, "--data", Path.GetFullPath(Path.Combine(HostProcess.RepoRoot(), "..", "shared", "data")));
        var statutes = Directory.GetFiles(Path.Combine(sharedData, "labor-law"), "*.md").Where(f => !f.EndsWith("SOURCE.md")).Order().ToList();

        Console.WriteLine($"chat benchmark: {Environment.ProcessorCount} cores, {users} users, {seconds} s per run, answers of {answerWords} words" +
            (thinkMs > 0 ? $", a random 0-{2 * thinkMs} ms pause between a user's questions" : ""));
        if (args.Contains("--floor")) return await FloorAsync(users, seconds, warmupSeconds, delays, answerWords, thinkMs);

        // 1. Idle memory of the embedded default (offline models) with the five statutes indexed.
        if (!skipIdle)
        await using (var offline = await StartApiAsync(apiDll, stubUrl: null))
        {
            var admin = await SignInAsync(offline, "admin@soosan.com");
            var watch = Stopwatch.StartNew();
            await UploadAllAsync(admin, statutes);
            Console.WriteLine($"offline: {statutes.Count} statutes uploaded and ready in {watch.Elapsed.TotalSeconds:F2} s");
            await Task.Delay(TimeSpan.FromSeconds(5));
            Console.WriteLine($"offline: RSS 5 s after the statutes are ready: {offline.RssMegabytes():F0} MB");
            // The api gives memory back after a quiet window (IdleMemoryTrimmer); idle means after that.
            await Task.Delay(IdleMemoryTrimmer.Window * 2);
            Console.WriteLine($"offline: idle RSS with the statutes indexed ({(IdleMemoryTrimmer.Window * 2).TotalSeconds + 5:F0} s quiet): {offline.RssMegabytes():F0} MB");
        }

        // 2. Overhead with a model that waits before its first token, then throughput with one that never waits.
        foreach (var delay in delays)
        {
            var waits = new ModelWaits();
            await using var stub = await StartStubAsync(delay, answerWords, waits);
            var metricsPort = LocalServers.FreePort();
            await using var api = await StartApiAsync(apiDll, stub.BaseUrl, metricsPort);
            var admin = await SignInAsync(api, "admin@soosan.com");
            await UploadAllAsync(admin, statutes);
            var clients = await Task.WhenAll(Enumerable.Range(0, users).Select(i => SignInAsync(api, $"bench{i}@soosan.com")));

            await RunLoadAsync(clients, TimeSpan.FromSeconds(warmupSeconds), delay, report: false, thinkMs: thinkMs);
            var cpuBefore = api.CpuTime();
            var benchCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var allocatedBefore = await AllocatedBytesAsync(metricsPort);
            var result = await RunLoadAsync(clients, TimeSpan.FromSeconds(seconds), delay, report: true, waits, thinkMs);
            var apiCpuMs = (api.CpuTime() - cpuBefore).TotalMilliseconds;
            var benchCpuMs = (Process.GetCurrentProcess().TotalProcessorTime - benchCpuBefore).TotalMilliseconds;
            var allocatedKb = (await AllocatedBytesAsync(metricsPort) - allocatedBefore) / 1024.0;
            Console.WriteLine($"chat: users={users} model_delay={delay}ms turns={result.Turns} errors={result.Errors} cached={result.Cached} " +
                $"throughput={result.Turns / result.Elapsed.TotalSeconds:F0}/s ttft_p50={result.P(50):F1}ms ttft_p99={result.P(99):F1}ms " +
                $"overhead_p50={result.P(50) - delay:F1}ms overhead_p99={result.P(99) - delay:F1}ms {result.ActualOverheads()} api_rss={api.RssMegabytes():F0}MB " +
                $"api_cpu={apiCpuMs / result.Elapsed.TotalMilliseconds:F2}cores api_cpu_per_turn={apiCpuMs / Math.Max(1, result.Turns):F2}ms " +
                $"api_alloc_per_turn={allocatedKb / Math.Max(1, result.Turns):F0}KB " +
                $"bench_cpu_per_turn={benchCpuMs / Math.Max(1, result.Turns):F2}ms");
        }
        return 0;
    }

    /// <summary>The model: the stub with a fixed first-token delay, answers of the given length citing [1], and its real
    /// first-token waits recorded.</summary>
    private static Task<OpenAiStubServer> StartStubAsync(int delayMs, int answerWords, ModelWaits waits) => OpenAiStubServer.StartAsync(new OpenAiStubOptions
    {
        FirstTokenDelay = TimeSpan.FromMilliseconds(delayMs),
        FirstTokenWaited = waits.Record,
        RecordRequests = false,
        EmbeddingDimensions = 256,
        Responder = _ => string.Join(' ', Enumerable.Range(1, answerWords).Select(i => i == answerWords ? "끝입니다 [1]." : "연차휴가는")),
    });

    /// <summary>`chat --floor`: the same users, questions and stub against <see cref="BaselineServer"/>, a bare ASP.NET
    /// Core relay in a process of its own (as the api runs in the product's run) that makes a turn's two model round
    /// trips (question embedding, streamed answer) and nothing else: no auth, Orleans, retrieval, storage or accounting.
    /// No implementation of the product can do less per turn, so its figures bound what this machine allows.</summary>
    private static async Task<int> FloorAsync(int users, int seconds, int warmupSeconds, int[] delays, int answerWords, int thinkMs)
    {
        foreach (var delay in delays)
        {
            var waits = new ModelWaits();
            await using var stub = await StartStubAsync(delay, answerWords, waits);
            var port = LocalServers.FreePort();
            await using var relay = await HostProcess.StartAsync(typeof(ChatBenchmark).Assembly.Location, new Dictionary<string, string>(), port,
                healthPath: "/api/auth/me", arguments: $"relay {stub.BaseUrl} {port}");
            var clients = Enumerable.Range(0, users).Select(_ => NewClient(relay.BaseUrl)).ToArray();
            await RunLoadAsync(clients, TimeSpan.FromSeconds(warmupSeconds), delay, report: false, thinkMs: thinkMs);
            var cpuBefore = relay.CpuTime();
            var benchCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var result = await RunLoadAsync(clients, TimeSpan.FromSeconds(seconds), delay, report: true, waits, thinkMs);
            var cpuMs = (relay.CpuTime() - cpuBefore).TotalMilliseconds;
            var benchCpuMs = (Process.GetCurrentProcess().TotalProcessorTime - benchCpuBefore).TotalMilliseconds;
            Console.WriteLine($"floor (bare relay, embedding + streamed answer): users={users} model_delay={delay}ms turns={result.Turns} errors={result.Errors} " +
                $"throughput={result.Turns / result.Elapsed.TotalSeconds:F0}/s overhead_p50={result.P(50) - delay:F1}ms overhead_p99={result.P(99) - delay:F1}ms " +
                $"{result.ActualOverheads()} relay_cpu={cpuMs / result.Elapsed.TotalMilliseconds:F2}cores relay_cpu_per_turn={cpuMs / Math.Max(1, result.Turns):F2}ms " +
                $"bench_cpu_per_turn={benchCpuMs / Math.Max(1, result.Turns):F2}ms");
        }
        return 0;
    }

    /// <param name="Ttft">Times to first token, sorted.</param>
    /// <param name="Overheads">Per turn, time to first token minus the stub's real wait for that turn, sorted; empty
    /// when the stub's waits were not recorded.</param>
    internal sealed record LoadResult(int Turns, int Errors, int Cached, TimeSpan Elapsed, double[] Ttft, double[] Overheads)
    {
        public double P(double percentile) => Percentile(Ttft, percentile);

        /// <summary>Overhead against the model's real first-token wait (the nominal delay plus its timer's overshoot).</summary>
        public string ActualOverheads()
            => Overheads.Length == 0 ? "" : $"overhead_vs_real_wait_p50={Percentile(Overheads, 50):F1}ms overhead_vs_real_wait_p99={Percentile(Overheads, 99):F1}ms (turns matched: {Overheads.Length})";

        private static double Percentile(double[] sorted, double percentile)
        {
            if (sorted.Length == 0) return double.NaN;
            var index = (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1;
            return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
        }
    }

    // Questions employees ask about the statutes; each turn adds a tag unique across runs (warm-up included) so that no
    // answer comes from the answer cache: a replayed answer never calls the model and would flatter every figure.
    internal static readonly string[] Questions =
    [
        "연차 유급휴가는 며칠인가요?", "연장근로 가산임금은 얼마인가요?", "육아휴직은 얼마나 쓸 수 있나요?", "퇴직금은 언제까지 지급해야 하나요?",
        "최저임금은 어떻게 정해지나요?", "휴게시간은 얼마나 주어야 하나요?", "해고 예고는 며칠 전에 해야 하나요?", "야간근로 수당은 어떻게 계산하나요?",
    ];

    private static int _runs;

    internal static async Task<LoadResult> RunLoadAsync(HttpClient[] clients, TimeSpan duration, int delayMs, bool report, ModelWaits? waits = null, int thinkMs = 0)
    {
        var run = Interlocked.Increment(ref _runs);
        var ttfts = new List<double>[clients.Length];
        var overheads = new List<double>[clients.Length];
        waits?.Clear();
        var errors = 0;
        var cached = 0;
        var stop = DateTime.UtcNow + duration;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select(async (client, i) =>
        {
            var mine = ttfts[i] = new List<double>();
            var myOverheads = overheads[i] = new List<double>();
            string? conversationId = null;
            var turn = 0;
            while (DateTime.UtcNow < stop)
            {
                if (turn++ % 4 == 0) conversationId = null;
                try
                {
                    var tag = ModelWaits.TagOf(run, i, turn);
                    var question = $"{Questions[(i + turn) % Questions.Length]} ({tag})";
                    var (ttft, conversation, fromCache) = await AskAsync(client, question, conversationId);
                    conversationId = conversation;
                    if (fromCache) Interlocked.Increment(ref cached);
                    mine.Add(ttft);
                    if (waits is not null && waits.TryTake(tag, out var waited)) myOverheads.Add(ttft - waited);
                    if (thinkMs > 0) await Task.Delay(Random.Shared.Next(0, 2 * thinkMs + 1));
                }
                catch (Exception ex)
                {
                    if (Interlocked.Increment(ref errors) <= 3 && report) Console.WriteLine("  error: " + ex.Message);
                }
            }
        }));
        var all = ttfts.SelectMany(t => t).Order().ToArray();
        waits?.Clear();
        return new LoadResult(all.Length, errors, cached, watch.Elapsed, all, overheads.SelectMany(o => o).Order().ToArray());
    }

    private static async Task<(double TtftMs, string? ConversationId, bool Cached)> AskAsync(HttpClient client, string question, string? conversationId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { question, conversationId }) };
        request.Headers.Accept.ParseAdd("text/event-stream");
        var started = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        double ttft = -1;
        string? conversation = conversationId;
        string? eventName = null;
        var fromCache = false;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) eventName = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                if (eventName == "delta" && ttft < 0) ttft = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                else if (eventName == "meta" && conversation is null)
                    conversation = JsonDocument.Parse(line[6..]).RootElement.GetProperty("conversationId").GetString();
                else if (eventName == "error") throw new InvalidOperationException("stream error: " + line);
                else if (eventName == "done")
                {
                    fromCache = line.Contains("\"cached\":true", StringComparison.Ordinal);
                    break;
                }
            }
        }
        if (ttft < 0) throw new InvalidOperationException("no delta arrived");
        return (ttft, conversation, fromCache);
    }

    /// <summary>Bytes the api has allocated since it started, from its own runtime metrics (the Prometheus scrape).
    /// Unlike CPU time, allocation per turn does not move with this VM's speed, so it shows small changes.</summary>
    private static async Task<double> AllocatedBytesAsync(int metricsPort)
    {
        using var http = new HttpClient();
        var scrape = await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");
        var line = scrape.Split('\n').First(l => l.StartsWith("dotnet_gc_heap_total_allocated_bytes_total", StringComparison.Ordinal));
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Task<HostProcess> StartApiAsync(string apiDll, string? stubUrl, int? metricsPort = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "kb-bench", Guid.NewGuid().ToString("N")[..8]);
        var port = LocalServers.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["DATA_DIR"] = Path.Combine(root, "data"),
            ["STORAGE_DIR"] = Path.Combine(root, "storage"),
            ["LOG_DIR"] = Path.Combine(root, "logs"),
            ["SILO_PORT"] = LocalServers.FreePort().ToString(),
            ["GATEWAY_PORT"] = LocalServers.FreePort().ToString(),
            ["ADMIN_EMAILS"] = "admin@soosan.com",
            // Tests and benchmarks upload as ordinary users, as before roles existed; the permission tests set editors.
            ["UPLOAD_POLICY"] = "everyone",
            // Tests and benchmarks upload in bulk; the quota has its own test (UploadQuotaTests).
            ["UPLOAD_QUOTA_PER_HOUR"] = "0",
            ["RATE_LIMIT_PER_MINUTE"] = "100000",
            ["DAILY_TOKEN_BUDGET"] = "100000000000",
            ["MONTHLY_TOKEN_BUDGET"] = "100000000000",
            ["AUTH_RATE_LIMIT_PER_MINUTE"] = "100000",
            ["JWT_EXPIRES_IN"] = "86400",
        };
        if (metricsPort is not null) environment["METRICS_PORT"] = metricsPort.Value.ToString();
        if (stubUrl is not null)
        {
            environment["OPENAI_API_KEY"] = "bench-key";
            environment["OPENAI_BASE_URL"] = stubUrl;
        }
        Directory.CreateDirectory(root);
        return HostProcess.StartAsync(apiDll, environment, port);
    }

    internal static HttpClient NewClient(string baseUrl) => new(new SocketsHttpHandler { MaxConnectionsPerServer = 4096, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
    {
        BaseAddress = new Uri(baseUrl),
        Timeout = TimeSpan.FromMinutes(2),
    };

    internal static async Task<HttpClient> SignInAsync(HostProcess api, string email)
    {
        var client = NewClient(api.BaseUrl);
        var token = await SignUp.SignInAsync(client, api.Lines, email, Password, email.Split('@')[0]);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task UploadAllAsync(HttpClient client, IReadOnlyList<string> files)
    {
        var ids = new List<string>();
        foreach (var file in files)
        {
            using var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(file)), "file", Path.GetFileName(file) } };
            var response = await client.PostAsync("/api/documents", form);
            response.EnsureSuccessStatusCode();
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString()!);
        }
        foreach (var id in ids)
        {
            while (true)
            {
                var status = (await client.GetFromJsonAsync<JsonElement>($"/api/documents/{id}")).GetProperty("status").GetString();
                if (status == "ready") break;
                if (status == "failed") throw new InvalidOperationException($"{id} failed to ingest");
                await Task.Delay(50);
            }
        }
    }

    internal static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
    }

    private static string StringArg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
