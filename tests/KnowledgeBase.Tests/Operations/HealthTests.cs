using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace KnowledgeBase.Tests.Operations;

/// <summary>/health/live and /health/ready on the api: status for everyone, each part's detail for admins only, and
/// readiness that fails when a configured part cannot be reached.</summary>
public sealed class HealthTests(OperationsFixture fixture) : IClassFixture<OperationsFixture>
{
    [Fact]
    public async Task Live_and_ready_answer_anonymous_callers_with_the_status_only()
    {
        var anonymous = fixture.Api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        var ready = await anonymous.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.False(body.TryGetProperty("parts", out _), "anonymous callers must not see which parts exist");

        var user = await fixture.Api.CreateUserAsync();
        Assert.False((await user.Client.GetFromJsonAsync<JsonElement>("/health/ready")).TryGetProperty("parts", out _), "nor may non-admins");
    }

    [Fact]
    public async Task Admins_see_each_configured_part()
    {
        var body = await fixture.Admin.Client.GetFromJsonAsync<JsonElement>("/health/ready");
        var parts = body.GetProperty("parts");
        // Embedded database and silo, plus the model endpoint because OPENAI_* is set (the local stub answers /models).
        foreach (var part in new[] { "silo", "database", "model" })
            Assert.Equal("Healthy", parts.GetProperty(part).GetProperty("status").GetString());
        Assert.False(parts.TryGetProperty("redis", out _), "REDIS_URL is not set, so Redis is not checked");
    }

    [Fact]
    public async Task Ready_turns_unhealthy_when_a_configured_part_is_unreachable()
    {
        var closed = ApiFactory.FreePort();
        await using var api = new DownPartsApiFactory(closed);
        var admin = await api.CreateAdminAsync();

        var anonymous = await api.CreateClient().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, anonymous.StatusCode);
        Assert.Equal("Unhealthy", (await anonymous.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        // Liveness is only the process: restarting it would not bring Chroma or S3 back.
        Assert.Equal(HttpStatusCode.OK, (await api.CreateClient().GetAsync("/health/live")).StatusCode);

        var detail = await admin.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, detail.StatusCode);
        var parts = (await detail.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("parts");
        Assert.Equal("Unhealthy", parts.GetProperty("chroma").GetProperty("status").GetString());
        Assert.Equal("Unhealthy", parts.GetProperty("s3").GetProperty("status").GetString());
        Assert.Equal("Healthy", parts.GetProperty("database").GetProperty("status").GetString());
    }

    /// <summary>CHROMA_URL and S3 pointed at a port nothing listens on.</summary>
    private sealed class DownPartsApiFactory(int closedPort) : ApiFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["CHROMA_URL"] = $"http://127.0.0.1:{closedPort}",
            ["S3_BUCKET"] = "kb-health",
            ["S3_ENDPOINT"] = $"http://127.0.0.1:{closedPort}",
            ["S3_ACCESS_KEY"] = "S3RVER",
            ["S3_SECRET_KEY"] = "S3RVER",
        };
    }
}
