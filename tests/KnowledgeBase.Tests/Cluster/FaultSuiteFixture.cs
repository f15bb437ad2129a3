using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace KnowledgeBase.Tests.Cluster;

/// <summary>The production topology for the fault suite, started once: three silos and two client-mode apis over Redis,
/// PostgreSQL (max_connections 40, so that pool sizing is tested), ChromaDB and s3rver, with the failure-detection
/// settings of the Kubernetes ConfigMap. Exited processes are started again, as Kubernetes restarts a pod: nothing
/// else restarts anything. Users are signed up once and chat through both apis in every fault.</summary>
public sealed class FaultSuiteFixture : IAsyncLifetime
{
    public const int UserCount = 8;

    public ProcessCluster Cluster { get; private set; } = null!;

    public ClusterUser Admin { get; private set; } = null!;

    public ClusterUser[] Users { get; private set; } = [];

    /// <summary>Each fault's recovery figures, printed by the suite and collected for docs/operations.md.</summary>
    public ConcurrentQueue<string> Figures { get; } = new();

    public async Task InitializeAsync()
    {
        Cluster = await ProcessCluster.StartAsync(new ProcessClusterOptions
        {
            Silos = 3, Apis = 2, RestartExited = true, PostgresMaxConnections = 40,
            ProbeTimeoutSeconds = 3, MissedProbes = 3, ResponseTimeoutSeconds = 15,
        });
        Admin = await SignUpAsync(ProcessCluster.AdminEmail);
        var users = new List<ClusterUser>();
        for (var i = 0; i < UserCount; i++) users.Add(await SignUpAsync($"fault{i}_{Guid.NewGuid().ToString("N")[..6]}@soosan.com"));
        Users = [.. users];
        foreach (var user in Users)
        {
            var set = await RetryOn503Async(() => Admin.Api(0).PutAsJsonAsync($"/api/admin/users/{user.UserId}/budget",
                new { dailyTokens = 50_000_000, monthlyTokens = 500_000_000, requestsPerMinute = 100_000 }));
            set.EnsureSuccessStatusCode();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var line in Figures) Console.WriteLine("[fault suite] " + line);
        await Cluster.DisposeAsync();
    }

    public HttpClient Anonymous(int api) => new(new SocketsHttpHandler { MaxConnectionsPerServer = 256 })
    {
        BaseAddress = new Uri(Cluster.Apis[api % Cluster.Apis.Count].BaseUrl),
        Timeout = TimeSpan.FromSeconds(60),
    };

    private async Task<ClusterUser> SignUpAsync(string email)
    {
        using var first = Anonymous(0);
        // No SMTP in the cluster: the verification link is in the api's log, as on a laptop.
        var token = await SignUp.SignInAsync(first, Cluster.Apis[0].Lines, email, ApiFactory.Password, "장애 시험 사용자", retriesOn503: 4);
        var clients = Enumerable.Range(0, 2).Select(i =>
        {
            var client = Anonymous(i);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }).ToArray();
        var me = await clients[0].GetFromJsonAsync<JsonElement>("/api/auth/me");
        return new ClusterUser(me.GetProperty("userId").GetString()!, email, clients);
    }

    private static async Task<HttpResponseMessage> RetryOn503Async(Func<Task<HttpResponseMessage>> send)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await send();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 5) return response;
            await Task.Delay(TimeSpan.FromSeconds(response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 1));
        }
    }

    /// <summary>Waits until every silo slot runs a ready silo and every api answers: the state each fault starts from.</summary>
    public async Task WaitSettledAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var ready = 0;
            foreach (var host in Cluster.Silos.Concat(Cluster.Apis.Take(2)))
            {
                try
                {
                    if (!host.HasExited && (await http.GetAsync(host.BaseUrl + "/health/ready")).IsSuccessStatusCode) ready++;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { }
            }
            if (ready == Cluster.Silos.Count + 2) return;
            if (watch.Elapsed > timeout) throw new TimeoutException($"cluster not settled after {timeout.TotalSeconds} s ({ready} ready)");
            await Task.Delay(250);
        }
    }

    /// <summary>The silo process hosting the most user sessions (as the admin view counts them).</summary>
    public async Task<HostProcess> BusiestSiloAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var byAddress = new Dictionary<string, HostProcess>();
        foreach (var silo in Cluster.Silos.Where(s => !s.HasExited))
        {
            var ready = await http.GetFromJsonAsync<JsonElement>(silo.BaseUrl + "/health/ready");
            byAddress[ready.GetProperty("parts").GetProperty("silo").GetProperty("data").GetProperty("address").GetString()!] = silo;
        }
        var view = await Admin.Api(0).GetFromJsonAsync<JsonElement>("/api/admin/cluster");
        var busiest = view.GetProperty("silos").EnumerateArray()
            .Where(s => byAddress.ContainsKey(s.GetProperty("address").GetString()!))
            .OrderByDescending(s => s.GetProperty("activationsByGrain").TryGetProperty("UserSessionGrain", out var n) ? n.GetInt32() : 0)
            .First().GetProperty("address").GetString()!;
        return byAddress[busiest];
    }
}

[CollectionDefinition(Name)]
public sealed class FaultSuiteCollection : ICollectionFixture<FaultSuiteFixture>
{
    public const string Name = "fault-suite";
}

/// <summary>Users chatting without pause through both apis (SSE and JSON in turn) while a fault happens, recording
/// what a client sees: every acknowledged turn with its cost, every refusal's status and problem type, every stream
/// that ended without `done` or `error`, and when each user was last answered.</summary>
public sealed class ChatLoad : IAsyncDisposable
{
    private readonly ClusterUser[] _users;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public ChatLoad(ClusterUser[] users)
    {
        _users = users;
        foreach (var user in users)
        {
            Acked[user.UserId] = [];
            Answered[user.UserId] = [];
        }
        _running = Task.WhenAll(users.Select((user, u) => Task.Run(() => RunAsync(user, u))));
    }

    public sealed record AckedTurn(string ConversationId, string MessageId, long Tokens);

    public ConcurrentDictionary<string, ConcurrentBag<AckedTurn>> Acked { get; } = new();

    /// <summary>Each user's answered requests: when the request was sent and when its answer (`done` or the JSON body) arrived.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<(DateTime Sent, DateTime Answered)>> Answered { get; } = new();

    public ConcurrentDictionary<int, int> Statuses { get; } = new();

    public ConcurrentBag<string> ServerErrors { get; } = [];

    /// <summary>503s without a problem `type` or without Retry-After.</summary>
    public ConcurrentBag<string> Unhelpful503s { get; } = [];

    public ConcurrentDictionary<string, int> ProblemTypes { get; } = new();

    /// <summary>SSE answers whose stream closed normally without `done` or `error`.</summary>
    public int SilentEnds => _silentEnds;

    /// <summary>Requests whose connection broke (the api process died under them).</summary>
    public int BrokenConnections => _broken;

    private int _silentEnds;
    private int _broken;

    private async Task RunAsync(ClusterUser user, int u)
    {
        string? conversationId = null;
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            var api = user.Api(u + n);
            var sent = DateTime.UtcNow;
            var turn = n % 2 == 0
                ? await AskStreamingAsync(api, $"연차 유급휴가는 며칠인가요? ({u}-{n})", conversationId)
                : await AskJsonAsync(api, $"휴게시간은 얼마나 주어야 하나요? ({u}-{n})", conversationId);
            if (turn is null)
            {
                try { await Task.Delay(200, _stop.Token); } catch (OperationCanceledException) { }
                continue;
            }
            Acked[user.UserId].Add(turn);
            Answered[user.UserId].Enqueue((sent, DateTime.UtcNow));
            conversationId = n % 6 == 5 ? null : turn.ConversationId;
        }
    }

    private async Task<AckedTurn?> AskJsonAsync(HttpClient client, string question, string? conversationId)
    {
        try
        {
            using var response = await client.PostAsJsonAsync("/api/chat", new { question, conversationId }, _stop.Token);
            if (!await AcceptAsync(response)) return null;
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(_stop.Token);
            return new AckedTurn(body.GetProperty("conversationId").GetString()!, body.GetProperty("messageId").GetString()!,
                body.GetProperty("usage").GetProperty("totalTokens").GetInt64());
        }
        catch (Exception ex) when (Broken(ex))
        {
            return null;
        }
    }

    private async Task<AckedTurn?> AskStreamingAsync(HttpClient client, string question, string? conversationId)
    {
        try
        {
            using var request = Sse.ChatRequest(question, conversationId);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            if (!await AcceptAsync(response)) return null;
            var events = await Sse.ReadAllAsync(response);
            var last = events.Count > 0 ? events[^1].Name : null;
            if (last == "error")
            {
                var code = events[^1].Data.GetProperty("code").GetString()!;
                ProblemTypes.AddOrUpdate("sse:" + code, 1, (_, c) => c + 1);
                return null;
            }
            if (last != "done")
            {
                if (!_stop.IsCancellationRequested) Interlocked.Increment(ref _silentEnds);
                return null;
            }
            return new AckedTurn(events[0].Data.GetProperty("conversationId").GetString()!, events[0].Data.GetProperty("messageId").GetString()!,
                events[^1].Data.GetProperty("usage").GetProperty("totalTokens").GetInt64());
        }
        catch (Exception ex) when (Broken(ex))
        {
            return null;
        }
    }

    private bool Broken(Exception ex)
    {
        if (ex is OperationCanceledException && _stop.IsCancellationRequested) return true;
        if (ex is HttpRequestException or IOException or TaskCanceledException or JsonException)
        {
            Interlocked.Increment(ref _broken);
            return true;
        }
        return false;
    }

    private async Task<bool> AcceptAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        Statuses.AddOrUpdate(status, 1, (_, c) => c + 1);
        if (status == 200) return true;
        var body = await response.Content.ReadAsStringAsync();
        if (status >= 500 && status != 503) ServerErrors.Add($"{status}: {body}");
        if (status == 503)
        {
            string? type = null;
            try { type = JsonDocument.Parse(body).RootElement.GetProperty("type").GetString(); } catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException) { }
            if (type is null || response.Headers.RetryAfter is null) Unhelpful503s.Add(body.Length > 200 ? body[..200] : body);
            ProblemTypes.AddOrUpdate(type ?? "(none)", 1, (_, c) => c + 1);
        }
        return false;
    }

    /// <summary>Waits until every user got an answer to a request sent after <paramref name="since"/>; returns how long
    /// after it the last of those first answers came.</summary>
    public async Task<TimeSpan> AllAnsweredAfterAsync(DateTime since, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var firsts = _users.Select(u => Answered[u.UserId].Where(a => a.Sent > since).Select(a => a.Answered).DefaultIfEmpty(DateTime.MaxValue).Min()).ToList();
            if (firsts.All(t => t != DateTime.MaxValue)) return firsts.Max() - since;
            if (watch.Elapsed > timeout)
                throw new TimeoutException($"{firsts.Count(t => t == DateTime.MaxValue)} of {_users.Length} users not answered {timeout.TotalSeconds} s after {since:HH:mm:ss.f}");
            await Task.Delay(100);
        }
    }

    /// <summary>Each user's longest time without an answer between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public IReadOnlyList<double> LongestGapsSeconds(DateTime from, DateTime to)
        => _users.Select(u =>
        {
            var times = Answered[u.UserId].Select(a => a.Answered).Where(t => t >= from && t <= to).Order().Prepend(from).Append(to).ToList();
            return times.Zip(times.Skip(1), (a, b) => (b - a).TotalSeconds).Max();
        }).ToList();

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
    }

    public string Summary()
        => $"HTTP {string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}x{s.Value}"))}; problems {string.Join(", ", ProblemTypes.Select(p => $"{p.Key}x{p.Value}"))}; " +
           $"broken connections {BrokenConnections}, silent stream ends {SilentEnds}";

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }
}
