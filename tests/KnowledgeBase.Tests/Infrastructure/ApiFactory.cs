using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using KnowledgeBase.LocalCluster;
using KnowledgeBase.Tests.Models;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Tests.Infrastructure;

/// <summary>The real api (co-hosted silo, SQLite, local files, offline models) on the real HTTP pipeline, in its own
/// temporary folders and ports. Subclasses add settings.</summary>
public class ApiFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@soosan.com";
    public const string Password = "correct-horse-battery";

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "kb-tests", Guid.NewGuid().ToString("N")[..12]);

    public string LogDir => Path.Combine(Root, "logs");

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>What the api logged: with no SMTP server, account links are written there.</summary>
    public CapturingLoggerProvider Log { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["DATA_DIR"] = Path.Combine(Root, "data"),
            ["STORAGE_DIR"] = Path.Combine(Root, "storage"),
            ["LOG_DIR"] = LogDir,
            ["SILO_PORT"] = FreePort().ToString(),
            ["GATEWAY_PORT"] = FreePort().ToString(),
            ["ADMIN_EMAILS"] = AdminEmail,
            // Tests and benchmarks upload as ordinary users, as before roles existed; the permission tests set editors.
            ["UPLOAD_POLICY"] = "everyone",
            // Tests and benchmarks upload in bulk; the quota has its own test (UploadQuotaTests).
            ["UPLOAD_QUOTA_PER_HOUR"] = "0",
            ["AUTH_RATE_LIMIT_PER_MINUTE"] = "100000",
            ["ORLEANS_CLUSTER_ID"] = "test-" + Guid.NewGuid().ToString("N")[..8],
        };
        foreach (var (key, value) in Settings) settings[key] = value;
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(Log));
    }

    public async Task<TestUser> CreateUserAsync(string? email = null, string displayName = "테스트 사용자")
    {
        email ??= $"u{Guid.NewGuid().ToString("N")[..10]}@soosan.com";
        var token = await SignUp.SignInAsync(CreateClient(), () => Log.Lines, email, Password, displayName);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await client.GetFromJsonAsync<MeBody>("/api/auth/me");
        return new TestUser(me!.UserId, email, token, client);
    }

    public Task<TestUser> CreateAdminAsync() => CreateUserAsync(AdminEmail, "관리자");

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

public sealed record TestUser(string UserId, string Email, string Token, HttpClient Client);

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFactory>
{
    public const string Name = "api";
}
