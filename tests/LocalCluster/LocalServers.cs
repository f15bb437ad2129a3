using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace KnowledgeBase.LocalCluster;

/// <summary>Real servers started from the machine's packages on loopback, in temporary folders, for the production
/// paths' tests. A missing package fails the test with the install command (.ci/test.sh installs them).</summary>
public static class LocalServers
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    public static async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"nothing listens on 127.0.0.1:{port} after {timeout.TotalSeconds} s");
    }

    public static void Require(string path, string install)
    {
        if (!File.Exists(path)) throw new InvalidOperationException($"{path} is missing; install it with: {install}");
    }
}

/// <summary>A PostgreSQL 15 server of its own (initdb in a temp folder, trust auth on loopback).</summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly string _dir;
    private readonly string _options;

    private PostgresServer(string dir, int port, string options)
    {
        _dir = dir;
        Port = port;
        _options = options;
    }

    public int Port { get; }

    public string Url(string database) => $"postgres://postgres:unused@127.0.0.1:{Port}/{database}";

    /// <param name="maxConnections">PostgreSQL's max_connections (its default is 100).</param>
    public static async Task<PostgresServer> StartAsync(int? maxConnections = null)
    {
        LocalServers.Require($"{Bin}/initdb", "apt-get install -y postgresql");
        var dir = Path.Combine(Path.GetTempPath(), "kb-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        await LocalServers.RunAsync("chown", ["postgres:postgres", dir]);
        var port = LocalServers.FreePort();
        var init = await AsPostgresAsync($"{Bin}/initdb -D {dir}/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8");
        if (init.ExitCode != 0) throw new InvalidOperationException("initdb failed: " + init.Output);
        var options = $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off" + (maxConnections is { } max ? $" -c max_connections={max}" : "");
        var server = new PostgresServer(dir, port, options);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server (again, after <see cref="StopAsync"/>) on the same port with the same data.</summary>
    public async Task StartAgainAsync()
    {
        var start = await AsPostgresAsync($"{Bin}/pg_ctl -D {_dir}/data -l {_dir}/log -o \"{_options}\" -w start");
        if (start.ExitCode != 0) throw new InvalidOperationException("pg_ctl start failed: " + start.Output);
    }

    /// <summary>The server's log so far (e.g. to find "too many clients" refusals).</summary>
    public string LogText() => File.Exists(Path.Combine(_dir, "log")) ? File.ReadAllText(Path.Combine(_dir, "log")) : "";

    /// <summary>Stops the server at once, dropping every connection (as an outage would).</summary>
    public async Task StopAsync()
    {
        var stop = await AsPostgresAsync($"{Bin}/pg_ctl -D {_dir}/data -m immediate -w stop");
        if (stop.ExitCode != 0) throw new InvalidOperationException("pg_ctl stop failed: " + stop.Output);
    }

    public async Task CreateDatabaseAsync(string name)
    {
        var result = await LocalServers.RunAsync("psql", ["-h", "127.0.0.1", "-p", Port.ToString(), "-U", "postgres", "-c", $"CREATE DATABASE {name}"]);
        if (result.ExitCode != 0) throw new InvalidOperationException("CREATE DATABASE failed: " + result.Output);
    }

    private static Task<(int ExitCode, string Output)> AsPostgresAsync(string command)
        => LocalServers.RunAsync("su", ["postgres", "-c", command]);

    public async ValueTask DisposeAsync()
    {
        await AsPostgresAsync($"{Bin}/pg_ctl -D {_dir}/data -m immediate -w stop");
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Servers installed from npm into .ci/servers (npm ci there): s3rver and ChromaDB.</summary>
public sealed class NodeServer : IAsyncDisposable
{
    private readonly string _script;
    private readonly Func<string, string[]> _arguments;
    private readonly string _dir;
    private readonly IDictionary<string, string>? _environment;
    private Process _process;

    private NodeServer(Process process, string script, Func<string, string[]> arguments, string dir, int port, IDictionary<string, string>? environment)
    {
        _process = process;
        _script = script;
        _arguments = arguments;
        _dir = dir;
        _environment = environment;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public static string ModulesDir => Path.Combine(HostProcess.RepoRoot(), ".ci", "servers", "node_modules");

    /// <summary>s3rver: a real S3 HTTP API over a folder (keys S3RVER/S3RVER).</summary>
    public static Task<NodeServer> StartS3Async(string bucket)
        => StartAsync("s3rver/bin/s3rver.js", dir => ["-d", dir, "-a", "127.0.0.1", "-p", "{port}", "--configure-bucket", bucket, "--silent"]);

    /// <summary>ChromaDB 1.0 (REST API v2) persisted in a temp folder.</summary>
    public static Task<NodeServer> StartChromaAsync()
        => StartAsync("chromadb/dist/cli.mjs", dir => ["run", "--path", dir, "--host", "127.0.0.1", "--port", "{port}"]);

    /// <summary>A real OpenID Connect provider (npm oidc-provider, driven by tests/OidcProvider/server.mjs) with the
    /// given clients and users (see the script for the JSON shapes).</summary>
    public static Task<NodeServer> StartOidcProviderAsync(string clientsJson, string usersJson)
    {
        LocalServers.Require(Path.Combine(ModulesDir, "oidc-provider", "package.json"), "cd .ci/servers && npm ci");
        return StartAsync(Path.Combine(HostProcess.RepoRoot(), "tests", "OidcProvider", "server.mjs"), _ => [ModulesDir, "{port}"],
            new Dictionary<string, string> { ["OIDC_CLIENTS"] = clientsJson, ["OIDC_USERS"] = usersJson });
    }

    /// <summary>A real SMTP server (npm smtp-server, driven by tests/SmtpServer/server.mjs) that writes every message
    /// it accepts into <see cref="Dir"/> (see the script for the settings in <paramref name="environment"/>).</summary>
    public static Task<NodeServer> StartSmtpAsync(IDictionary<string, string> environment)
    {
        LocalServers.Require(Path.Combine(ModulesDir, "smtp-server", "package.json"), "cd .ci/servers && npm ci");
        return StartAsync(Path.Combine(HostProcess.RepoRoot(), "tests", "SmtpServer", "server.mjs"), dir => [ModulesDir, "{port}", dir], environment);
    }

    /// <summary>The server's own temporary folder (its data; the SMTP server's received mail).</summary>
    public string Dir => _dir;

    private static async Task<NodeServer> StartAsync(string script, Func<string, string[]> arguments, IDictionary<string, string>? environment = null)
    {
        var path = Path.Combine(ModulesDir, script);
        LocalServers.Require(path, "cd .ci/servers && npm ci");
        var dir = Path.Combine(Path.GetTempPath(), "kb-node-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var port = LocalServers.FreePort();
        var process = Launch(path, arguments, dir, port, environment);
        await LocalServers.WaitForPortAsync(port, TimeSpan.FromSeconds(60));
        return new NodeServer(process, path, arguments, dir, port, environment);
    }

    private static Process Launch(string path, Func<string, string[]> arguments, string dir, int port, IDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(path);
        foreach (var argument in arguments(dir)) info.ArgumentList.Add(argument.Replace("{port}", port.ToString()));
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Starts the server again after <see cref="Kill"/>, on the same port with the same data.</summary>
    public async Task StartAgainAsync()
    {
        _process.Dispose();
        _process = Launch(_script, _arguments, _dir, Port, _environment);
        await LocalServers.WaitForPortAsync(Port, TimeSpan.FromSeconds(60));
    }

    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>A redis-server of its own on a free loopback port, without persistence.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"redis://127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        LocalServers.Require("/usr/bin/redis-server", "apt-get install -y redis-server");
        var port = LocalServers.FreePort();
        var process = Launch(port);
        await LocalServers.WaitForPortAsync(port, TimeSpan.FromSeconds(20));
        return new RedisServer(process, port);
    }

    private static Process Launch(int port)
    {
        var info = new ProcessStartInfo("/usr/bin/redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" }) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    /// <summary>SIGKILL and a new server on the same port with nothing in it: what a restart without persistence, a
    /// failover to an empty replica or a flush leaves behind.</summary>
    public async Task RestartEmptyAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = Launch(Port);
        await LocalServers.WaitForPortAsync(Port, TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }
}
