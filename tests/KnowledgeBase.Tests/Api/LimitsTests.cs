using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace KnowledgeBase.Tests.Api;

/// <summary>An api with a deliberately small upload cap (1 MB).</summary>
public sealed class SmallUploadApiFactory : ApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["MAX_UPLOAD_MB"] = "1" };
}

/// <summary>An api that allows 5 sign-up/sign-in requests per minute per client.</summary>
public sealed class StrictAuthApiFactory : ApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["AUTH_RATE_LIMIT_PER_MINUTE"] = "5" };
}

/// <summary>An api whose users may start 3 uploads an hour.</summary>
public sealed class UploadQuotaApiFactory : ApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["UPLOAD_QUOTA_PER_HOUR"] = "3" };
}

public sealed class UploadQuotaTests(UploadQuotaApiFactory api) : IClassFixture<UploadQuotaApiFactory>
{
    private static byte[] Note(int i) => System.Text.Encoding.UTF8.GetBytes($"# 메모 {i}\n\n{Guid.NewGuid()}\n");

    [Fact]
    public async Task Uploads_past_the_hourly_quota_get_429_with_retry_after_and_admins_are_exempt()
    {
        var user = await api.CreateUserAsync();
        var first = await Documents.UploadAsync(user.Client, "메모1.md", Note(1));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString();
        Assert.Equal(HttpStatusCode.Accepted, (await Documents.UploadAsync(user.Client, "메모2.md", Note(2))).StatusCode);
        // A replacement counts like an upload.
        using (var form = new MultipartFormDataContent { { new ByteArrayContent(Note(3)), "file", "메모1-v2.md" } })
            Assert.Equal(HttpStatusCode.Accepted, (await user.Client.PutAsync($"/api/documents/{id}", form)).StatusCode);

        var refused = await Documents.UploadAsync(user.Client, "메모4.md", Note(4));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("upload_quota", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 3600);
        var list = await user.Client.GetFromJsonAsync<JsonElement>("/api/documents");
        Assert.Equal(2, list.GetProperty("total").GetInt32());

        // Another user has a quota of their own; an admin has none.
        var other = await api.CreateUserAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await Documents.UploadAsync(other.Client, "메모5.md", Note(5))).StatusCode);
        var admin = await api.CreateAdminAsync();
        for (var i = 10; i < 14; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await Documents.UploadAsync(admin.Client, $"관리자{i}.md", Note(i))).StatusCode);
    }
}

public sealed class UploadLimitTests(SmallUploadApiFactory api) : IClassFixture<SmallUploadApiFactory>
{
    [Fact]
    public async Task Oversize_upload_gets_413_and_nothing_is_stored()
    {
        var user = await api.CreateUserAsync();
        var response = await Documents.UploadAsync(user.Client, "big.txt", new byte[1024 * 1024 + 10]);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("too_large", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        var list = await user.Client.GetFromJsonAsync<JsonElement>("/api/documents");
        Assert.Equal(0, list.GetProperty("total").GetInt32());
    }

}

public sealed class AuthFloodTests(StrictAuthApiFactory api) : IClassFixture<StrictAuthApiFactory>
{
    [Fact]
    public async Task A_flood_of_sign_in_attempts_from_one_client_gets_429()
    {
        var client = api.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
            statuses.Add((await client.PostAsJsonAsync("/api/auth/login", new { email = $"flood{i}@soosan.com", password = "whatever-123" })).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.True(statuses.Count(s => s == HttpStatusCode.Unauthorized) <= 5);
    }
}
