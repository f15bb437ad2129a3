namespace KnowledgeBase.LocalCluster;

/// <summary>What to start: how many silo and api processes, and settings given to all of them (e.g. OPENAI_BASE_URL).</summary>
public sealed record ProcessClusterOptions
{
    /// <summary>Silo processes; 0 makes every api co-host a silo (the embedded mode, still clustered through Redis).</summary>
    public int Silos { get; init; } = 3;
    public int Apis { get; init; } = 2;

    /// <summary>Start ChromaDB and give CHROMA_URL to every process.</summary>
    public bool Chroma { get; init; } = true;

    /// <summary>Failure detection of a killed silo: Orleans probes every N seconds and declares a silo dead after M
    /// missed probes (MEMBERSHIP_PROBE_TIMEOUT_SECONDS, MEMBERSHIP_MISSED_PROBES; Orleans' defaults are 5 and 3).</summary>
    public int ProbeTimeoutSeconds { get; init; } = 2;
    public int MissedProbes { get; init; } = 2;

    /// <summary>ORLEANS_RESPONSE_TIMEOUT_SECONDS: a call in flight on a killed silo fails after this.</summary>
    public int ResponseTimeoutSeconds { get; init; } = 20;

    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>PostgreSQL's max_connections (null: its default of 100).</summary>
    public int? PostgresMaxConnections { get; init; }

    /// <summary>Start a silo or api process again when it exits, as Kubernetes restarts a pod's container (a silo that
    /// membership declared dead stops itself; a killed one just ends).</summary>
    public bool RestartExited { get; init; }

    /// <summary>Where every process keeps its folders; a fresh temp folder by default.</summary>
    public string Root { get; init; } = Path.Combine(Path.GetTempPath(), "kb-local-cluster", Guid.NewGuid().ToString("N")[..8]);
}

/// <summary>The production topology on one machine: Redis (membership and cache), PostgreSQL (grain state), ChromaDB
/// (vectors), s3rver (files), N silo processes and M api processes in client mode, all on loopback. Used by the
/// cluster tests, the cluster benchmark and `dotnet run --project tests/LocalCluster`.</summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    public const string AdminEmail = "admin@soosan.com";
    public const string JwtSecret = "local-cluster-jwt-secret-0123456789abcdef";
    public const string Bucket = "kb-documents";

    private readonly List<IAsyncDisposable> _servers = [];
    private readonly List<HostProcess> _silos = [];
    private readonly List<HostProcess> _apis = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _supervisors = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, int> _apiPorts = new();
    private int _nextApi;
    private int _restarts;

    private ProcessCluster(ProcessClusterOptions options) => Options = options;

    public ProcessClusterOptions Options { get; }

    /// <summary>The current process of each silo slot (a restarted silo replaces its slot's process).</summary>
    public IReadOnlyList<HostProcess> Silos { get { lock (_silos) return [.. _silos]; } }

    public IReadOnlyList<HostProcess> Apis { get { lock (_apis) return [.. _apis]; } }

    public RedisServer Redis { get; private set; } = null!;

    public PostgresServer Postgres { get; private set; } = null!;

    public NodeServer? Chroma { get; private set; }

    /// <summary>How many times an exited silo or api was started again (<see cref="ProcessClusterOptions.RestartExited"/>).</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>The settings every process got (connection strings of the servers, membership timing, shared secret).</summary>
    public IReadOnlyDictionary<string, string> Shared { get; private set; } = new Dictionary<string, string>();

    public static async Task<ProcessCluster> StartAsync(ProcessClusterOptions options, Action<string>? progress = null)
    {
        var cluster = new ProcessCluster(options);
        try
        {
            await cluster.StartServersAsync(progress);
            await cluster.StartHostsAsync(progress);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartServersAsync(Action<string>? progress)
    {
        Directory.CreateDirectory(Options.Root);
        var redis = Track(RedisServer.StartAsync());
        var postgres = Track(PostgresServer.StartAsync(Options.PostgresMaxConnections));
        var s3 = Track(NodeServer.StartS3Async(Bucket));
        var chroma = Options.Chroma ? Track(NodeServer.StartChromaAsync()) : null;
        await Task.WhenAll(new Task[] { redis, postgres, s3, chroma ?? Task.CompletedTask });
        await (await postgres).CreateDatabaseAsync("kb");

        var shared = new Dictionary<string, string>
        {
            ["REDIS_URL"] = (await redis).Url,
            ["DATABASE_URL"] = (await postgres).Url("kb"),
            ["S3_BUCKET"] = Bucket,
            ["S3_ENDPOINT"] = (await s3).Url,
            ["S3_ACCESS_KEY"] = "S3RVER",
            ["S3_SECRET_KEY"] = "S3RVER",
            ["ORLEANS_CLUSTER_ID"] = "local-" + Guid.NewGuid().ToString("N")[..8],
            ["SILO_ADVERTISED_IP"] = "127.0.0.1",
            ["MEMBERSHIP_PROBE_TIMEOUT_SECONDS"] = Options.ProbeTimeoutSeconds.ToString(),
            ["MEMBERSHIP_MISSED_PROBES"] = Options.MissedProbes.ToString(),
            ["ORLEANS_RESPONSE_TIMEOUT_SECONDS"] = Options.ResponseTimeoutSeconds.ToString(),
            ["JWT_SECRET"] = JwtSecret,
            ["JWT_EXPIRES_IN"] = "86400",
            ["ADMIN_EMAILS"] = AdminEmail,
            // Tests and benchmarks upload as ordinary users, as before roles existed; the permission tests set editors.
            ["UPLOAD_POLICY"] = "everyone",
            // Tests and benchmarks upload in bulk; the quota has its own test (UploadQuotaTests).
            ["UPLOAD_QUOTA_PER_HOUR"] = "0",
            ["AUTH_RATE_LIMIT_PER_MINUTE"] = "100000",
        };
        if (chroma is not null) shared["CHROMA_URL"] = (await chroma).Url;
        Redis = await redis;
        Postgres = await postgres;
        Chroma = chroma is null ? null : await chroma;
        foreach (var (key, value) in Options.Settings) shared[key] = value;
        Shared = shared;
        progress?.Invoke($"servers: redis {shared["REDIS_URL"]}, postgres 127.0.0.1:{(await postgres).Port}, s3 {shared["S3_ENDPOINT"]}" +
            (chroma is null ? "" : $", chroma {shared["CHROMA_URL"]}"));
    }

    private async Task<T> Track<T>(Task<T> starting) where T : IAsyncDisposable
    {
        var server = await starting;
        lock (_servers) _servers.Add(server);
        return server;
    }

    private async Task StartHostsAsync(Action<string>? progress)
    {
        // The first silo (or co-hosting api) applies the database schema; the others join once it is there.
        if (Options.Silos > 0)
        {
            _silos.Add(await StartSiloAsync(0));
            _silos.AddRange(await Task.WhenAll(Enumerable.Range(1, Options.Silos - 1).Select(StartSiloAsync)));
            _apis.AddRange(await Task.WhenAll(Enumerable.Range(0, Options.Apis).Select(StartApiAsync)));
        }
        else
        {
            _apis.Add(await StartApiAsync(0));
            _apis.AddRange(await Task.WhenAll(Enumerable.Range(1, Options.Apis - 1).Select(StartApiAsync)));
        }
        _nextApi = _apis.Count;
        for (var i = 0; i < _silos.Count; i++) progress?.Invoke($"silo {i}: {_silos[i].BaseUrl} (pid {_silos[i].Pid})");
        for (var i = 0; i < _apis.Count; i++) progress?.Invoke($"api {i}: {_apis[i].BaseUrl} (pid {_apis[i].Pid})");
        if (Options.RestartExited)
        {
            for (var i = 0; i < _silos.Count; i++) _supervisors.Add(SuperviseAsync(_silos, i, StartSiloAsync));
            for (var i = 0; i < _apis.Count; i++) _supervisors.Add(SuperviseAsync(_apis, i, StartApiAsync));
        }
    }

    /// <summary>Waits for the slot's process to exit and starts it again, as long as the cluster runs.</summary>
    private async Task SuperviseAsync(List<HostProcess> slots, int index, Func<int, Task<HostProcess>> start)
    {
        while (!_stopping.IsCancellationRequested)
        {
            HostProcess current;
            lock (slots) current = slots[index];
            try
            {
                await current.WaitForExitAsync(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            for (var attempt = 1; !_stopping.IsCancellationRequested; attempt++)
            {
                try
                {
                    var next = await start(index);
                    lock (slots) slots[index] = next;
                    Interlocked.Increment(ref _restarts);
                    await current.DisposeAsync();
                    break;
                }
                catch (Exception) when (attempt < 5 && !_stopping.IsCancellationRequested)
                {
                    // It could not start (e.g. its cluster is not back yet); a pod's restart backs off too.
                    await Task.Delay(TimeSpan.FromSeconds(attempt), CancellationToken.None);
                }
            }
        }
    }

    /// <summary>Starts one more api process (a scaled-out or rescheduled pod) and returns it once it answers.</summary>
    public async Task<HostProcess> AddApiAsync(TimeSpan? timeout = null)
    {
        var api = await StartApiAsync(Interlocked.Increment(ref _nextApi) - 1, timeout);
        lock (_apis) _apis.Add(api);
        return api;
    }

    private Task<HostProcess> StartSiloAsync(int index)
    {
        var http = LocalServers.FreePort();
        var environment = ProcessSettings($"silo{index}");
        environment["SILO_PORT"] = LocalServers.FreePort().ToString();
        environment["GATEWAY_PORT"] = LocalServers.FreePort().ToString();
        environment["SILO_HTTP_PORT"] = http.ToString();
        return HostProcess.StartAsync(HostProcess.DllPath("silo", "KnowledgeBase.Silo.dll"), environment, http, "/health/ready", TimeSpan.FromSeconds(120));
    }

    private Task<HostProcess> StartApiAsync(int index) => StartApiAsync(index, null);

    // An api slot keeps its port across restarts, as a Service keeps its address: clients need not learn a new one.
    private Task<HostProcess> StartApiAsync(int index, TimeSpan? timeout)
    {
        var port = _apiPorts.GetOrAdd(index, _ => LocalServers.FreePort());
        var environment = ProcessSettings($"api{index}");
        if (Options.Silos > 0)
        {
            environment["ORLEANS_MODE"] = "client";
        }
        else
        {
            environment["SILO_PORT"] = LocalServers.FreePort().ToString();
            environment["GATEWAY_PORT"] = LocalServers.FreePort().ToString();
        }
        environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        return HostProcess.StartAsync(HostProcess.DllPath("api", "KnowledgeBase.Api.dll"), environment, port, "/health/live", timeout ?? TimeSpan.FromSeconds(120));
    }

    // Each process has folders of its own, as separate machines would; everything shared lives in the servers.
    private Dictionary<string, string> ProcessSettings(string name)
    {
        var own = Path.Combine(Options.Root, name);
        Directory.CreateDirectory(own);
        var environment = new Dictionary<string, string>(Shared)
        {
            ["DATA_DIR"] = Path.Combine(own, "data"),
            ["STORAGE_DIR"] = Path.Combine(own, "storage"),
            ["LOG_DIR"] = Path.Combine(own, "logs"),
        };
        return environment;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_supervisors);
        foreach (var host in Apis.Concat(Silos)) await host.DisposeAsync();
        foreach (var server in _servers) await server.DisposeAsync();
        try { Directory.Delete(Options.Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
