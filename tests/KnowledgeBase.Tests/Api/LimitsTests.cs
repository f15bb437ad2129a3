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
