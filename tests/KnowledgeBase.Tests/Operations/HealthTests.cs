using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace KnowledgeBase.Tests.Operations;

/// <summary>/health/live and /health/ready on the api: status for everyone, each part's detail for admins only, and
/// readiness that fails when a configured part cannot be reached.</summary>
[Collection(OperationsCollection.Name)]
public sealed class HealthTests(OperationsFixture fixture)
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
}
