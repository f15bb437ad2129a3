using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgeBase.Tests.Operations;
using Microsoft.Data.Sqlite;

namespace KnowledgeBase.Tests.Audit;

/// <summary>The api on real Kestrel (so requests have a real client address) with its OTLP exporter pointed at a local
/// receiver.</summary>
public sealed class AuditFixture : IAsyncLifetime
{
    public OtlpReceiver Otlp { get; private set; } = null!;
    public KestrelApiFactory Api { get; private set; } = null!;

    public string DatabasePath => Path.Combine(Api.Root, "data", "knowledgebase.db");

    public async Task InitializeAsync()
    {
        Otlp = await OtlpReceiver.StartAsync();
        Api = new KestrelApiFactory(Otlp.Settings);
        Api.StartServer();
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Otlp.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class AuditCollection : ICollectionFixture<AuditFixture>
{
    public const string Name = "audit";
}

[Collection(AuditCollection.Name)]
public sealed class AuditLogTests(AuditFixture fixture)
{
    private KestrelApiFactory Api => fixture.Api;

    [Fact]
    public async Task Sign_ins_sign_ups_budget_changes_and_documents_are_recorded_newest_first_with_the_client_address()
    {
        var admin = await Api.CreateAdminAsync();
        var user = await Api.CreateUserAsync();
        var failed = await Api.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = "wrong-password-123" });
        Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        (await admin.Client.PutAsJsonAsync($"/api/admin/users/{user.UserId}/budget", new { dailyTokens = 1000, monthlyTokens = 5000 })).EnsureSuccessStatusCode();
        var upload = await Documents.UploadAsync(user.Client, "휴가규정.md", System.Text.Encoding.UTF8.GetBytes("# 휴가 규정\n\n연차는 15일입니다. " + Guid.NewGuid()));
        var documentId = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString()!;
        (await user.Client.DeleteAsync($"/api/documents/{documentId}")).EnsureSuccessStatusCode();

        var mine = await EntriesAsync(admin, $"actor={Uri.EscapeDataString(user.Email)}&limit=50");
        var actions = mine.Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["document.deleted", "document.uploaded", "auth.sign_in_failed", "auth.sign_in", "auth.email_verified", "auth.sign_up"], actions);
        Assert.All(mine, e => Assert.Equal("127.0.0.1", e.GetProperty("address").GetString()));
        Assert.Equal(documentId, mine[0].GetProperty("target").GetString());
        Assert.Contains("휴가규정.md", mine[0].GetProperty("detail").GetString());
        var sequences = mine.Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.OrderDescending(), sequences);

        var budget = Assert.Single(await EntriesAsync(admin, $"action=user.budget_changed&actor={admin.UserId}"), e => e.GetProperty("target").GetString() == user.UserId);
        Assert.Contains("daily=1000 monthly=5000", budget.GetProperty("detail").GetString());
        Assert.Equal(AdminEmail, budget.GetProperty("actorEmail").GetString());
    }

    [Fact]
    public async Task Pages_follow_next_before_and_filters_by_action_prefix_and_time()
    {
        var admin = await Api.CreateAdminAsync();
        for (var i = 0; i < 3; i++) await Api.CreateUserAsync();
        var first = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/audit?action=auth.&limit=2");
        var page1 = first.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(2, page1.Count);
        Assert.All(page1, e => Assert.StartsWith("auth.", e.GetProperty("action").GetString()));
        var next = first.GetProperty("nextBefore").GetInt64();
        var page2 = await EntriesAsync(admin, $"action=auth.&limit=2&before={next}");
        Assert.All(page2, e => Assert.True(e.GetProperty("sequence").GetInt64() < next));

        var future = await EntriesAsync(admin, $"from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}");
        Assert.Empty(future);
        var bad = await admin.Client.GetAsync("/api/admin/audit?from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Members_cannot_read_the_audit_log()
    {
        var user = await Api.CreateUserAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync("/api/admin/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync("/api/admin/audit?format=jsonl")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync("/api/admin/audit/verify")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.CreateClient().GetAsync("/api/admin/audit")).StatusCode);
    }

    [Fact]
    public async Task Jsonl_export_is_the_chain_in_order_and_each_line_links_to_the_one_before()
    {
        var admin = await Api.CreateAdminAsync();
        await Api.CreateUserAsync();
        var response = await admin.Client.GetAsync("/api/admin/audit?format=jsonl");
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString());
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(lines.Count >= 3);
        Assert.Equal(new string('0', 64), lines[0].GetProperty("previousHash").GetString());
        for (var i = 1; i < lines.Count; i++)
        {
            Assert.Equal(lines[i - 1].GetProperty("sequence").GetInt64() + 1, lines[i].GetProperty("sequence").GetInt64());
            Assert.Equal(lines[i - 1].GetProperty("hash").GetString(), lines[i].GetProperty("previousHash").GetString());
        }
        // The export is itself recorded.
        Assert.Contains(await EntriesAsync(admin, "action=audit.exported"), e => e.GetProperty("actorEmail").GetString() == AdminEmail);
    }

    [Fact]
    public async Task Entries_are_exported_over_otlp_as_logs()
    {
        var user = await Api.CreateUserAsync();
        // The batch exporter sends on its own schedule: wait for the condition, not for a time.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!fixture.Otlp.Received("/v1/logs", user.Email) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(fixture.Otlp.Received("/v1/logs", user.Email), "an OTLP log export carries the user's sign-up");
        Assert.True(fixture.Otlp.Received("/v1/logs", "auth.sign_up"));
    }

    private const string AdminEmail = ApiFactory.AdminEmail;

    private static async Task<List<JsonElement>> EntriesAsync(TestUser admin, string query)
    {
        var page = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/audit?" + query);
        return page.GetProperty("entries").EnumerateArray().ToList();
    }
}

/// <summary>Tampering runs last and on its own api: it breaks the chain on purpose.</summary>
public sealed class AuditTamperTests
{
    [Fact]
    public async Task A_changed_entry_in_the_database_is_detected_and_reported_as_the_first_broken_one()
    {
        using var api = new ApiFactory();
        var admin = await api.CreateAdminAsync();
        for (var i = 0; i < 3; i++) await api.CreateUserAsync();
        var before = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/audit/verify");
        Assert.True(before.GetProperty("intact").GetBoolean());
        Assert.True(before.GetProperty("checked").GetInt64() >= 7);

        var database = Path.Combine(api.Root, "data", "knowledgebase.db");
        Execute(database, "UPDATE AuditLog SET ActorEmail = 'someone-else@soosan.com' WHERE Sequence = 4");

        var after = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/audit/verify");
        Assert.False(after.GetProperty("intact").GetBoolean());
        Assert.Equal(4, after.GetProperty("firstBrokenSequence").GetInt64());
        Assert.StartsWith("hash_mismatch", after.GetProperty("reason").GetString());
        Assert.Equal(3, after.GetProperty("checked").GetInt64());
    }

    [Fact]
    public async Task A_removed_entry_is_detected_even_when_the_rest_is_untouched()
    {
        using var api = new ApiFactory();
        var admin = await api.CreateAdminAsync();
        await api.CreateUserAsync();
        Execute(Path.Combine(api.Root, "data", "knowledgebase.db"), "DELETE FROM AuditLog WHERE Sequence = 2");

        var result = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/audit/verify");
        Assert.False(result.GetProperty("intact").GetBoolean());
        Assert.Equal(3, result.GetProperty("firstBrokenSequence").GetInt64());
        Assert.StartsWith("sequence_gap", result.GetProperty("reason").GetString());
    }

    private static void Execute(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.Equal(1, command.ExecuteNonQuery());
    }
}
