using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace KnowledgeBase.Tests.Cluster;

/// <summary>The production topology as real processes, started once for the collection: Redis, PostgreSQL, ChromaDB,
/// s3rver, three silos and two api processes in client mode (see <see cref="ProcessCluster"/>).</summary>
public sealed class ProcessClusterFixture : IAsyncLifetime
{
    public ProcessCluster Cluster { get; private set; } = null!;

    public int ApiCount => Cluster.Apis.Count;

    public async Task InitializeAsync()
    {
        // A killed silo is declared dead after two missed 2-second probes, and calls that were in flight on it fail
        // after 20 s instead of 30, so failover fits in a test's time (on a shared 2-core machine; shorter is flaky).
        Cluster = await ProcessCluster.StartAsync(new ProcessClusterOptions
        {
            Silos = 3, Apis = 2, ProbeTimeoutSeconds = 2, MissedProbes = 2, ResponseTimeoutSeconds = 20,
        });
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    public HttpClient Anonymous(int api) => new(new SocketsHttpHandler { MaxConnectionsPerServer = 512 })
    {
        BaseAddress = new Uri(Cluster.Apis[api % ApiCount].BaseUrl),
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Signs up through one api and signs in through the other; returns a client per api with the same token.</summary>
    public async Task<ClusterUser> SignUpAsync(string? email = null)
    {
        email ??= $"c{Guid.NewGuid().ToString("N")[..10]}@soosan.com";
        // Signs up and verifies through one api, signs in through the other.
        using var first = Anonymous(0);
        await SignUp.SignInAsync(first, Cluster.Apis[0].Lines, email, ApiFactory.Password, "클러스터 사용자");
        using var second = Anonymous(1);
        var login = await second.PostAsJsonAsync("/api/auth/login", new { email, password = ApiFactory.Password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        var clients = Enumerable.Range(0, ApiCount).Select(i =>
        {
            var client = Anonymous(i);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }).ToArray();
        var me = await clients[0].GetFromJsonAsync<JsonElement>("/api/auth/me");
        return new ClusterUser(me.GetProperty("userId").GetString()!, email, clients);
    }

    /// <summary>Several users, a few sign-ups at a time (each hashes a password, which is CPU-heavy by design).</summary>
    public async Task<ClusterUser[]> SignUpManyAsync(int count)
    {
        using var gate = new SemaphoreSlim(3);
        return await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync();
            try { return await SignUpAsync(); }
            finally { gate.Release(); }
        }));
    }

    public Task<ClusterUser> AdminAsync() => SignUpAsync(ProcessCluster.AdminEmail);

    /// <summary>The admin view of the cluster: active silos and their grain activations.</summary>
    public static async Task<JsonElement> ClusterViewAsync(ClusterUser admin, int api = 0)
        => await admin.Api(api).GetFromJsonAsync<JsonElement>("/api/admin/cluster");

    /// <summary>Silo processes by the address they advertise in membership (their /health/ready says which).</summary>
    public async Task<Dictionary<string, HostProcess>> SilosByAddressAsync()
    {
        var byAddress = new Dictionary<string, HostProcess>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var silo in Cluster.Silos.Where(s => !s.HasExited))
        {
            var ready = await http.GetFromJsonAsync<JsonElement>(silo.BaseUrl + "/health/ready");
            // The silo's private port shows every part's detail; the silo part carries the address it advertises.
            byAddress[ready.GetProperty("parts").GetProperty("silo").GetProperty("data").GetProperty("address").GetString()!] = silo;
        }
        return byAddress;
    }
}

public sealed record ClusterUser(string UserId, string Email, HttpClient[] Clients)
{
    public HttpClient Api(int index) => Clients[index % Clients.Length];
}

[CollectionDefinition(Name)]
public sealed class ProcessClusterCollection : ICollectionFixture<ProcessClusterFixture>
{
    public const string Name = "process-cluster";
}
