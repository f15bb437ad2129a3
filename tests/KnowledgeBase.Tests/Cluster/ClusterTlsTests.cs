using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KnowledgeBase.Grains.Clustering;
using KnowledgeBase.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.Runtime;

namespace KnowledgeBase.Tests.Cluster;

/// <summary>Mutual TLS between the cluster's processes: real silos and clients in this process, on loopback ports, with
/// certificates made for the run (a CA of the cluster and one of somebody else).</summary>
public sealed class ClusterTlsTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "kb-tls-tests", Guid.NewGuid().ToString("N")[..12]);
    private readonly TestCertificates cluster;
    private readonly TestCertificates stranger;

    public ClusterTlsTests()
    {
        cluster = TestCertificates.Create(Path.Combine(root, "cluster"), "kb-cluster-ca");
        stranger = TestCertificates.Create(Path.Combine(root, "stranger"), "someone-else-ca");
    }

    [Fact]
    public async Task A_client_with_the_cluster_certificate_calls_grains_over_tls()
    {
        var ports = new Ports();
        using var silo = await StartSiloAsync(ports, cluster.Settings());
        using var client = await StartClientAsync(ports, cluster.Settings());

        var hosts = await client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Single(hosts);
    }

    [Fact]
    public async Task A_client_without_a_certificate_cannot_connect_to_the_gateway()
    {
        var ports = new Ports();
        using var silo = await StartSiloAsync(ports, cluster.Settings());

        await AssertRefusedAsync(() => StartClientAsync(ports, []));
    }

    [Fact]
    public async Task A_client_with_a_certificate_from_another_ca_cannot_connect_to_the_gateway()
    {
        var ports = new Ports();
        using var silo = await StartSiloAsync(ports, cluster.Settings());

        await AssertRefusedAsync(() => StartClientAsync(ports, stranger.Settings()));
    }

    [Fact]
    public async Task A_client_does_not_talk_to_a_gateway_whose_certificate_is_from_another_ca()
    {
        var ports = new Ports();
        using var silo = await StartSiloAsync(ports, stranger.Settings());

        await AssertRefusedAsync(() => StartClientAsync(ports, cluster.Settings()));
    }

    [Fact]
    public async Task A_silo_with_the_cluster_certificate_joins_over_tls()
    {
        var first = new Ports();
        using var silo = await StartSiloAsync(first, cluster.Settings());
        using var second = await StartSecondSiloAsync(first, cluster.Settings());

        var management = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await management.GetHosts(onlyActive: true)).Count < 2 && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.Equal(2, (await management.GetHosts(onlyActive: true)).Count);
    }

    [Fact]
    public async Task A_silo_with_a_certificate_from_another_ca_cannot_join()
    {
        var first = new Ports();
        using var silo = await StartSiloAsync(first, cluster.Settings());

        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartSecondSiloAsync(first, stranger.Settings()));
        Assert.IsNotAssignableFrom<OperationCanceledException>(error);
        Assert.Single(await silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true));
    }

    /// <summary>A second silo of the first one's cluster (development membership, hosted by the first silo).</summary>
    private static async Task<IHost> StartSecondSiloAsync(Ports primary, Dictionary<string, string?> tls)
    {
        var ports = new Ports();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(ports.Silo, ports.Gateway, new IPEndPoint(IPAddress.Loopback, primary.Silo));
            silo.UseClusterTls(Config(new Dictionary<string, string?>(tls) { ["ORLEANS_TLS"] = "true" }), clusterMode: false);
            // A silo that cannot reach the cluster gives up within this, instead of Orleans' five minutes.
            silo.Configure<Orleans.Configuration.ClusterMembershipOptions>(o => o.MaxJoinAttemptTime = TimeSpan.FromSeconds(20));
        });
        var host = builder.Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await host.StartAsync(timeout.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    [Fact]
    public void Cluster_mode_in_prod_refuses_to_start_without_a_certificate_naming_the_variable()
    {
        var error = Assert.Throws<ConfigurationException>(() => ClusterTls.Load(Config(new() { ["APP_ENV"] = "prod" }), clusterMode: true));
        Assert.Contains(ClusterTls.CertVariable, error.Message);
        Assert.Contains($"{ClusterTls.EnabledVariable}=false", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Cluster_mode_in_prod_runs_without_tls_only_when_told_explicitly()
        => Assert.Null(ClusterTls.Load(Config(new() { ["APP_ENV"] = "prod", [ClusterTls.EnabledVariable] = "false" }), clusterMode: true));

    [Fact]
    public void Embedded_mode_has_no_tls_by_default_even_in_prod()
        => Assert.Null(ClusterTls.Load(Config(new() { ["APP_ENV"] = "prod" }), clusterMode: false));

    [Fact]
    public void A_missing_certificate_file_stops_start_up_naming_the_variable()
    {
        var settings = cluster.Settings();
        settings[ClusterTls.KeyVariable] = Path.Combine(root, "missing.key");
        var error = Assert.Throws<ConfigurationException>(() => ClusterTls.Load(Config(settings), clusterMode: true));
        Assert.Contains(ClusterTls.KeyVariable, error.Message);
    }

    /// <summary>The start fails because no gateway connection could be made (not because the test gave up waiting).</summary>
    private static async Task AssertRefusedAsync(Func<Task> start)
    {
        await Assert.ThrowsAsync<Orleans.Runtime.Messaging.ConnectionFailedException>(start);
    }

    private static IConfiguration Config(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    /// <summary>The product's own wiring: localhost clustering (loopback ports) plus TLS from the settings.</summary>
    private static async Task<IHost> StartSiloAsync(Ports ports, Dictionary<string, string?> tls)
    {
        var settings = new Dictionary<string, string?>(tls)
        {
            ["SILO_PORT"] = ports.Silo.ToString(),
            ["GATEWAY_PORT"] = ports.Gateway.ToString(),
            ["ORLEANS_TLS"] = "true",
        };
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo.AddClustering(Config(settings)));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>A client made like the api's, without the api's patience (it would wait minutes for a gateway).</summary>
    private static async Task<IHost> StartClientAsync(Ports ports, Dictionary<string, string?> tls)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering(ports.Gateway);
            client.UseClusterTls(Config(tls), clusterMode: false);
            // One attempt: a refused connection fails the start at once instead of being retried.
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
        });
        var host = builder.Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StartAsync(timeout.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    private sealed class Ports
    {
        public int Silo { get; } = ApiFactory.FreePort();
        public int Gateway { get; } = ApiFactory.FreePort();
    }
}

/// <summary>A CA and a certificate it issued (usable as TLS server and client), written as PEM files the way a mounted
/// Secret holds them: tls.crt, tls.key, ca.crt.</summary>
public sealed record TestCertificates(string CertPath, string KeyPath, string CaPath)
{
    public static TestCertificates Create(string folder, string caName)
    {
        Directory.CreateDirectory(folder);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={caName}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=kb-silo", leafKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("kb-silo");
        names.AddIpAddress(IPAddress.Loopback);
        leafRequest.CertificateExtensions.Add(names.Build());
        using var leaf = leafRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));

        var certificates = new TestCertificates(Path.Combine(folder, "tls.crt"), Path.Combine(folder, "tls.key"), Path.Combine(folder, "ca.crt"));
        File.WriteAllText(certificates.CertPath, leaf.ExportCertificatePem());
        File.WriteAllText(certificates.KeyPath, leafKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certificates.CaPath, ca.ExportCertificatePem());
        return certificates;
    }

    public Dictionary<string, string?> Settings() => new()
    {
        [ClusterTls.CertVariable] = CertPath,
        [ClusterTls.KeyVariable] = KeyPath,
        [ClusterTls.CaVariable] = CaPath,
    };
}
