using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.BrowserTests.Infrastructure;

/// <summary>The real api (co-hosted silo, SQLite, local files, offline models) on a real loopback Kestrel port, because
/// the browser needs a socket. Temporary folders and free ports per instance; PATH_BASE optional.</summary>
public class LiveApi : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@soosan.com";
    public const string Password = "correct-horse-battery";

    private readonly int _port = FreePort();

    public LiveApi() : this(pathBase: "") { }

    protected LiveApi(string pathBase)
    {
        PathBase = pathBase;
        UseKestrel(_port);
    }

    public string PathBase { get; }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "kb-browser-tests", Guid.NewGuid().ToString("N")[..12]);

    /// <summary>The UI's address, with the path base and a trailing slash.</summary>
    public string BaseUrl => $"http://127.0.0.1:{_port}{PathBase}/";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = $"http://127.0.0.1:{_port}",
            ["DATA_DIR"] = Path.Combine(Root, "data"),
            ["STORAGE_DIR"] = Path.Combine(Root, "storage"),
            ["LOG_DIR"] = Path.Combine(Root, "logs"),
            ["SILO_PORT"] = FreePort().ToString(),
            ["GATEWAY_PORT"] = FreePort().ToString(),
            ["ADMIN_EMAILS"] = AdminEmail,
            // Tests and benchmarks upload as ordinary users, as before roles existed; the permission tests set editors.
            ["UPLOAD_POLICY"] = "everyone",
            // Tests and benchmarks upload in bulk; the quota has its own test (UploadQuotaTests).
            ["UPLOAD_QUOTA_PER_HOUR"] = "0",
            ["AUTH_RATE_LIMIT_PER_MINUTE"] = "100000",
            ["ORLEANS_CLUSTER_ID"] = "browser-" + Guid.NewGuid().ToString("N")[..8],
            ["PATH_BASE"] = PathBase,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        };
        foreach (var (key, value) in settings.Concat(MoreSettings())) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(Log));
    }

    /// <summary>Warnings the api logged; with no SMTP server, account links are written there.</summary>
    public LinesLogger Log { get; } = new();

    /// <summary>Settings a variant adds or overrides (a model endpoint, the dashboard).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> MoreSettings() => [];

    /// <summary>Starts Kestrel (idempotent) and returns an HttpClient on the real socket.</summary>
    public HttpClient Http(string? token = null)
    {
        StartServer();
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Registers (or reuses) an account through the api and signs it in.</summary>
    public async Task<ApiUser> CreateUserAsync(string? email = null, string displayName = "테스트 사용자")
    {
        email ??= $"u{Guid.NewGuid().ToString("N")[..10]}@soosan.com";
        using var anonymous = Http();
        var token = await KnowledgeBase.LocalCluster.SignUp.SignInAsync(anonymous, () => Log.Lines, email, Password, displayName);
        var client = Http(token);
        var me = await client.GetFromJsonAsync<MeBody>("api/auth/me");
        return new ApiUser(me!.UserId, email, token, client);
    }

    public Task<ApiUser> CreateAdminAsync() => CreateUserAsync(AdminEmail, "관리자");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private sealed record MeBody(string UserId);
}

/// <summary>Keeps the warnings and errors the api logs, as text.</summary>
public sealed class LinesLogger : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(_lines);

    public void Dispose() { }

    private sealed class Logger(System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) lines.Enqueue(formatter(state, exception));
        }
    }
}

/// <summary>The api answering through the OpenAI-compatible stub (so a test decides what the model says, how fast, or
/// that it fails), with a short model timeout, no retries, and the Orleans dashboard served.</summary>
public sealed class ModelLiveApi(string modelBaseUrl) : LiveApi
{
    public const int ModelTimeoutSeconds = 4;

    protected override IEnumerable<KeyValuePair<string, string?>> MoreSettings() =>
    [
        new("OPENAI_API_KEY", "sk-browser-tests"),
        new("OPENAI_BASE_URL", modelBaseUrl),
        new("OPENAI_TIMEOUT_SECONDS", ModelTimeoutSeconds.ToString()),
        new("OPENAI_MAX_RETRIES", "0"),
        new("CHAT_MODEL_IDLE_TIMEOUT_SECONDS", ModelTimeoutSeconds.ToString()),
        new("ORLEANS_DASHBOARD", "true"),
    ];
}

/// <summary>The same api mounted under PATH_BASE=/kb.</summary>
public sealed class PrefixedLiveApi() : LiveApi("/kb");

public sealed record ApiUser(string UserId, string Email, string Token, HttpClient Client)
{
    /// <summary>Uploads a file through the api and waits until it is ready (or fails the test with its status).</summary>
    public async Task<string> UploadReadyAsync(string path)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(path)), "file", Path.GetFileName(path));
        var upload = await Client.PostAsync("api/documents", form);
        if (!upload.IsSuccessStatusCode) throw new InvalidOperationException($"upload {path}: {(int)upload.StatusCode} {await upload.Content.ReadAsStringAsync()}");
        var id = (await upload.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("documentId").GetString()!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var doc = await Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"api/documents/{id}");
            var status = doc.GetProperty("status").GetString();
            if (status == "ready") return id;
            if (status == "failed" || DateTime.UtcNow > deadline) throw new InvalidOperationException($"{path} is {status}: {doc}");
            await Task.Delay(200);
        }
    }

    /// <summary>Asks a question through the api (JSON, not streamed) and returns the answer body.</summary>
    public async Task<System.Text.Json.JsonElement> AskAsync(string question, string? conversationId = null)
    {
        var response = await Client.PostAsJsonAsync("api/chat", new { question, conversationId });
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"chat: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
    }

    public async Task<long> RemainingTodayAsync()
        => (await Client.GetFromJsonAsync<System.Text.Json.JsonElement>("api/auth/me")).GetProperty("budget").GetProperty("remainingToday").GetInt64();
}
