using System.Diagnostics;

namespace KnowledgeBase.LocalCluster;

/// <summary>Starts a built host (api or silo) as its own process with the given environment, waits until it answers,
/// and reads its resident memory.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _log;

    private HostProcess(Process process, string baseUrl, List<string> log)
    {
        _process = process;
        BaseUrl = baseUrl;
        _log = log;
    }

    public string BaseUrl { get; }

    public int Pid => _process.Id;

    // A replaced process (see ProcessCluster's restarts) is disposed; it has exited then too.
    public bool HasExited => _disposed || _process.HasExited;

    private bool _disposed;

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Cluster.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cluster.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The host's dll in the same configuration as this benchmark (Release when run with -c Release).</summary>
    public static string DllPath(string project, string assembly)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var path = Path.Combine(RepoRoot(), project, "bin", configuration, "net10.0", assembly);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing; build the solution in {configuration} first.");
        return path;
    }

    public static async Task<HostProcess> StartAsync(string dll, IDictionary<string, string> environment, int httpPort, string healthPath = "/health/live",
        TimeSpan? timeout = null, string arguments = "")
    {
        var info = new ProcessStartInfo("dotnet", $"\"{dll}\" {arguments}".TrimEnd())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = environment.TryGetValue("DATA_DIR", out var dataDir) ? Path.GetDirectoryName(dataDir)! : Path.GetTempPath(),
        };
        foreach (var (key, value) in environment) info.Environment[key] = value;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        // The process's own output is kept in memory for failure messages, whatever the test run's console settings.
        info.Environment.Remove("Logging__Console__LogLevel__Default");
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + dll);
        var log = new List<string>();
        var keep = KeptLog(environment, process.Id);
        void Add(string? line)
        {
            if (line is null) return;
            lock (log)
            {
                log.Add(line);
                keep?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
            }
        }
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var baseUrl = $"http://127.0.0.1:{httpPort}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{Path.GetFileName(dll)} exited with {process.ExitCode}:\n{string.Join('\n', log.TakeLast(40))}");
            try
            {
                if ((await http.GetAsync(baseUrl + healthPath)).IsSuccessStatusCode) return new HostProcess(process, baseUrl, log);
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"{Path.GetFileName(dll)} did not become healthy:\n{string.Join('\n', log.TakeLast(40))}");
    }

    /// <summary>With KB_CLUSTER_LOG_DIR set (in the test run's environment), each process's output is also kept in a file
    /// there, named after its folder (silo0, api1) and process id, with the time of each line: what a failed fault run
    /// needs to be read afterwards, as a pod's logs would be.</summary>
    private static StreamWriter? KeptLog(IDictionary<string, string> environment, int pid)
    {
        if (Environment.GetEnvironmentVariable("KB_CLUSTER_LOG_DIR") is not { Length: > 0 } dir) return null;
        Directory.CreateDirectory(dir);
        var name = environment.TryGetValue("DATA_DIR", out var data) ? Path.GetFileName(Path.GetDirectoryName(data)) : "process";
        return new StreamWriter(Path.Combine(dir, $"{name}-{pid}.log"), append: true) { AutoFlush = true };
    }

    /// <summary>Resident set size in MB, from /proc (Linux).</summary>
    public double RssMegabytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        return double.NaN;
    }

    /// <summary>CPU time the process has used so far (user and system, all threads).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>SIGKILL: the process gets no chance to leave the cluster or flush anything, as in a machine failure.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Everything the process wrote so far.</summary>
    public IReadOnlyList<string> Lines()
    {
        lock (_log) return _log.ToArray();
    }

    /// <summary>SIGSTOP: the process stops running but keeps its sockets open, as a hung or frozen machine does.</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>SIGCONT after <see cref="PauseAsync"/>.</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    private async Task SignalAsync(string signal)
    {
        var (exitCode, output) = await LocalServers.RunAsync("kill", ["-" + signal, _process.Id.ToString()]);
        if (exitCode != 0) throw new InvalidOperationException($"kill -{signal} {_process.Id}: {output}");
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken = default) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>The last lines the process wrote (warnings and errors; the hosts log at Warning here), for failure messages.</summary>
    public string LogTail(int lines = 40)
    {
        lock (_log) return string.Join('\n', _log.TakeLast(lines));
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
