using System.Net;
using KnowledgeBase.Grains.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace KnowledgeBase.Grains.Health;

/// <summary>This silo is an Active member of the cluster (it never calls a grain, so a busy silo stays ready).</summary>
public sealed class SiloHealthCheck(ISiloStatusOracle oracle) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["address"] = oracle.SiloAddress.ToString() };
        return Task.FromResult(oracle.CurrentStatus == SiloStatus.Active
            ? HealthCheckResult.Healthy($"{oracle.SiloAddress} active", data)
            : HealthCheckResult.Unhealthy($"{oracle.SiloAddress} {oracle.CurrentStatus}", data: data));
    }
}

/// <summary>This silo is listed in the membership table, and the table was read lately (Redis membership only). A silo
/// missing from the table is invisible to the apis and to new members, so it must not count as ready.</summary>
public sealed class MembershipTableHealthCheck(Clustering.MembershipHealth health, TimeProvider clock) : IHealthCheck
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(15);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["losses"] = health.Losses };
        if (health.LostAt is { } lost) data["lostAt"] = lost;
        if (health.HealedAt is { } healed) data["healedAt"] = healed;
        var now = clock.GetUtcNow();
        if (health.LastReadAt is not { } read || now - read > MaxAge)
            return Task.FromResult(HealthCheckResult.Unhealthy(
                $"membership table not read for {(health.LastReadAt is { } r ? (now - r).TotalSeconds.ToString("0") + " s" : "ever")}: {health.LastError}", data: data));
        return Task.FromResult(health.Listed
            ? HealthCheckResult.Healthy("listed in the membership table", data)
            : HealthCheckResult.Unhealthy("this silo is not listed in the membership table", data: data));
    }
}

/// <summary>The api (a cluster client) is connected to at least one gateway.</summary>
public sealed class GatewayHealthCheck(Clustering.MembershipHealth health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>();
        if (health.ConnectedGateways is { } connected) data["connected"] = connected;
        if (health.ListedGateways is { } listed) data["listed"] = listed;
        return Task.FromResult(health.ConnectedGateways == 0
            ? HealthCheckResult.Unhealthy("no gateway of the cluster is reachable", data: data)
            : HealthCheckResult.Healthy($"{health.ConnectedGateways?.ToString() ?? "some"} gateways connected", data));
    }
}

/// <summary>The grain-state database answers a trivial query.</summary>
public sealed class DatabaseHealthCheck(DatabaseOptions database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var connection = DatabaseSchema.CreateConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        await command.ExecuteScalarAsync(cancellationToken);
        return HealthCheckResult.Healthy(database.Dialect.ToString());
    }
}

/// <summary>Redis answers PING. One connection is kept for the checks and replaced when it was never established.</summary>
public sealed class RedisHealthCheck(string configuration) : IHealthCheck, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ConnectionMultiplexer? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // The client's own timeouts are long; the probe's is 3 s, and a hung server must fail it rather than hold it.
        var connection = await ConnectAsync().WaitAsync(cancellationToken);
        var latency = await connection.GetDatabase().PingAsync().WaitAsync(cancellationToken);
        return HealthCheckResult.Healthy($"ping {latency.TotalMilliseconds:0.#} ms");
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_connection is { IsConnected: true }) return _connection;
            if (_connection is not null) { await _connection.DisposeAsync(); _connection = null; }
            var options = ConfigurationOptions.Parse(configuration);
            options.AbortOnConnectFail = true;
            options.ConnectTimeout = 3000;
            options.ConnectRetry = 0;
            return _connection = await ConnectionMultiplexer.ConnectAsync(options);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
        _gate.Dispose();
    }
}

/// <summary>An HTTP dependency answers a GET: Chroma's heartbeat, or the model endpoint's model list. Any answer but a
/// server error (or, for the model endpoint, a rejected key) counts as reachable.</summary>
public sealed class HttpHealthCheck(IHttpClientFactory clients, string clientName, Uri url, string? bearer = null) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (bearer is not null) request.Headers.Authorization = new("Bearer", bearer);
        using var response = await clients.CreateClient(clientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var status = (int)response.StatusCode;
        var where = url.GetLeftPart(UriPartial.Path);
        if (status >= 500) return new HealthCheckResult(context.Registration.FailureStatus, $"{where} answered {status}");
        if (bearer is not null && response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            return new HealthCheckResult(context.Registration.FailureStatus, $"{where} rejected the API key ({status})");
        return HealthCheckResult.Healthy($"{where} answered {status}");
    }
}

/// <summary>The document store answers a read of a key that does not exist (S3: bucket reachable with these keys).</summary>
public sealed class BlobStoreHealthCheck(IBlobStore blobs) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var stream = await blobs.OpenReadAsync("health/readiness-probe", cancellationToken);
        return HealthCheckResult.Healthy(blobs.GetType().Name);
    }
}

/// <summary>The query log is being written. Degraded, never Unhealthy: chat answers without it, but an operator must
/// know that the audit trail of questions has a gap (how many records, and why).</summary>
public sealed class QueryLogHealthCheck(KnowledgeBase.Grains.Chat.IQueryLog log) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (log is not KnowledgeBase.Grains.Chat.JsonlQueryLog jsonl) return Task.FromResult(HealthCheckResult.Healthy());
        var status = jsonl.Status;
        var data = new Dictionary<string, object> { ["written"] = status.Written, ["failed"] = status.Failed, ["dropped"] = status.Dropped };
        if (status.LastErrorAt is { } at) data["lastErrorAt"] = at;
        return Task.FromResult(status.Failing
            ? HealthCheckResult.Degraded($"query log not written: {status.LastError}", data: data)
            : HealthCheckResult.Healthy($"{status.Written} records written", data));
    }
}
