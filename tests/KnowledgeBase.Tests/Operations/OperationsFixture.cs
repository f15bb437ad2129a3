using System.Net.Http.Json;
using KnowledgeBase.OpenAiStub;
using Microsoft.AspNetCore.Hosting;

namespace KnowledgeBase.Tests.Operations;

/// <summary>The api on real Kestrel (its public port and METRICS_PORT), models from the local OpenAI stub whose first
/// request gets a 429, exercised once like a user would: upload, search, chat (twice, so the answer cache hits), feedback.
/// Tests then read /metrics as Prometheus would.</summary>
public sealed class OperationsFixture : IAsyncLifetime
{
    public const string ApiKey = "sk-test-not-a-real-key-1234567890";

    public OpenAiStubServer Stub { get; private set; } = null!;
    public KestrelApiFactory Api { get; private set; } = null!;
    public TestUser User { get; private set; } = null!;
    public TestUser Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { ApiKey = ApiKey, EmbeddingDimensions = 256, FailFirst = 1, RetryAfterSeconds = 0 });
        Api = new KestrelApiFactory(new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = ApiKey,
            ["OPENAI_BASE_URL"] = Stub.BaseUrl,
            ["OPENAI_MAX_RETRIES"] = "3",
            ["ORLEANS_DASHBOARD"] = "true",
        });
        Admin = await Api.CreateAdminAsync();
        User = await Api.CreateUserAsync();

        await Documents.UploadAndWaitAsync(User.Client, TestData.LaborLaw("labor-standards-act.md"));
        (await User.Client.PostAsJsonAsync("/api/search", new { query = "연차 유급휴가" })).EnsureSuccessStatusCode();
        string? messageId = null;
        for (var i = 0; i < 2; i++)
        {
            var response = await User.Client.SendAsync(Sse.ChatRequest("연차 유급휴가는 며칠인가요?"), HttpCompletionOption.ResponseHeadersRead);
            var events = await Sse.ReadAllAsync(response);
            messageId = events.First(e => e.Name == "meta").Data.GetProperty("messageId").GetString();
        }
        (await User.Client.PostAsJsonAsync($"/api/messages/{messageId}/feedback", new { rating = "up" })).EnsureSuccessStatusCode();
        (await User.Client.PostAsJsonAsync($"/api/messages/{messageId}/feedback", new { rating = "down", reason = "wrong_answer" })).EnsureSuccessStatusCode();
    }

    /// <summary>The scrape, as the Prometheus job `api` sees it.</summary>
    public async Task<string> ScrapeAsync()
    {
        using var client = new HttpClient { BaseAddress = Api.MetricsAddress };
        return await client.GetStringAsync("/metrics");
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Stub.DisposeAsync();
    }
}

/// <summary>One api for the metrics, health and dashboard tests. Not run in parallel with anything: OpenTelemetry
/// merges same-named instruments of every host in the process (ASP.NET Core's meters are per host), and a host
/// disposed by a parallel test would take those series out of this host's scrape.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OperationsCollection : ICollectionFixture<OperationsFixture>
{
    public const string Name = "operations";
}

/// <summary>The api on real Kestrel, so that the public port and the metrics port are real, separate listeners.</summary>
public sealed class KestrelApiFactory : ApiFactory
{
    private readonly IDictionary<string, string?> _settings;

    public KestrelApiFactory(IDictionary<string, string?>? settings = null)
    {
        _settings = settings ?? new Dictionary<string, string?>();
        AppPort = FreePort();
        MetricsPort = FreePort();
        _settings["METRICS_PORT"] = MetricsPort.ToString();
        UseKestrel(k =>
        {
            // The factory points its clients at one of the server's addresses (here, as observed, the last one
            // listed), so the public port goes last; the metrics port answers nothing but /metrics.
            k.ListenLocalhost(MetricsPort);
            k.ListenLocalhost(AppPort);
        });
    }

    public int AppPort { get; }
    public int MetricsPort { get; }
    public Uri AppAddress => new($"http://localhost:{AppPort}");
    public Uri MetricsAddress => new($"http://localhost:{MetricsPort}");

    protected override IDictionary<string, string?> Settings => _settings;
}
