using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace KnowledgeBase.Tests.Operations;

/// <summary>Readiness fails when a configured part cannot be reached (its own api, outside the operations collection).</summary>
[Trait(Tier.Name, Tier.Full)]
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
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(admin.Client, HttpStatusCode.OK)).Status);

        // Redis stops answering every client for a while (a hung server looks the same as a dead one to a probe, and
        // the cluster, whose membership lives there, can still shut down cleanly afterwards).
        await using (var control = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port},allowAdmin=true"))
            await control.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "15000", "ALL");
        var (status, body) = await ReadyAsync(admin.Client, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", body.GetProperty("parts").GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.CreateClient().GetAsync("/health/live")).StatusCode);
        // Let the pause end before the silo leaves the cluster: a command on a new connection is answered only then.
        await using var after = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port},syncTimeout=30000,asyncTimeout=30000");
        await after.GetDatabase().PingAsync();
    }

    /// <summary>Probes until readiness reports <paramref name="wanted"/> (a probe can straddle a change), for up to 12 s.</summary>
    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(HttpClient client, HttpStatusCode wanted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(12);
        while (true)
        {
            using var response = await client.GetAsync("/health/ready");
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (response.StatusCode == wanted || DateTime.UtcNow > deadline) return (response.StatusCode, body);
            await Task.Delay(200);
        }
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
