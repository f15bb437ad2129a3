using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace KnowledgeBase.Tests.Operations;

/// <summary>Readiness fails when a configured part cannot be reached (its own api, outside the operations collection).</summary>
public sealed class ReadinessTests
{
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

    [Fact]
    public async Task Ready_turns_unhealthy_while_Redis_does_not_answer_and_live_stays_up()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var api = new RedisApiFactory(redis.Url);
        var admin = await api.CreateAdminAsync();
        var up = await admin.Client.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("Healthy", up.GetProperty("parts").GetProperty("redis").GetProperty("status").GetString());

        // Redis stops answering every client for a while (a hung server looks the same as a dead one to a probe, and
        // the cluster, whose membership lives there, can still shut down cleanly afterwards).
        await using (var control = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port},allowAdmin=true"))
            await control.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "8000", "ALL");
        var down = await admin.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("Unhealthy", (await down.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("parts").GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.CreateClient().GetAsync("/health/live")).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(6)); // let the pause end before the silo leaves the cluster
    }

    private sealed class RedisApiFactory(string redisUrl) : ApiFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["REDIS_URL"] = redisUrl };
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
