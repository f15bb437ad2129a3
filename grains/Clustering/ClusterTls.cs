using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using KnowledgeBase.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Orleans.Connections.Security;
using Orleans.Hosting;

namespace KnowledgeBase.Grains.Clustering;

/// <summary>Mutual TLS on every Orleans connection (silo to silo, api to gateway): each side presents the certificate
/// in ORLEANS_TLS_CERT / ORLEANS_TLS_KEY (PEM files, a mounted Secret or volume) and accepts only a peer whose
/// certificate chains to the CA in ORLEANS_TLS_CA. Peers are pods reached by IP, so the CA is the identity: host names
/// are not checked, and the CA must issue certificates for this cluster only.</summary>
public sealed class ClusterTls
{
    public const string EnabledVariable = "ORLEANS_TLS";
    public const string CertVariable = "ORLEANS_TLS_CERT";
    public const string KeyVariable = "ORLEANS_TLS_KEY";
    public const string CaVariable = "ORLEANS_TLS_CA";

    public required X509Certificate2 Certificate { get; init; }
    public required X509Certificate2Collection Authorities { get; init; }

    /// <summary>The TLS settings of this process, or null when its Orleans connections stay plain: ORLEANS_TLS=false, or
    /// no certificate outside a strict cluster. A cluster (<paramref name="clusterMode"/>) in prod (APP_ENV=prod or
    /// STRICT_ENV=true) without a certificate refuses to start unless ORLEANS_TLS=false says so explicitly.</summary>
    public static ClusterTls? Load(IConfiguration config, bool clusterMode)
    {
        var wanted = config["ORLEANS_TLS"] is { Length: > 0 } ? KnowledgeBaseSettings.Bool(config, "ORLEANS_TLS", true) : (bool?)null;
        if (wanted == false) return null;
        var cert = config["ORLEANS_TLS_CERT"];
        if (string.IsNullOrWhiteSpace(cert))
        {
            if (wanted == true)
                throw new ConfigurationException($"{EnabledVariable}=true needs {CertVariable}, {KeyVariable} and {CaVariable} (PEM files).");
            if (clusterMode && KnowledgeBaseSettings.Strict(config))
                throw new ConfigurationException($"{CertVariable} is not set: a cluster in prod needs mutual TLS between silos and the api "
                    + $"(set {CertVariable}, {KeyVariable} and {CaVariable} to the mounted certificate files, see docs/security.md), "
                    + $"or set {EnabledVariable}=false to run without it.");
            return null;
        }
        var key = Required(config["ORLEANS_TLS_KEY"], KeyVariable);
        var ca = Required(config["ORLEANS_TLS_CA"], CaVariable);
        X509Certificate2 certificate;
        var authorities = new X509Certificate2Collection();
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(ExistingFile(cert, CertVariable), ExistingFile(key, KeyVariable));
            authorities.ImportFromPemFile(ExistingFile(ca, CaVariable));
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new ConfigurationException($"{CertVariable}, {KeyVariable} or {CaVariable} is not a readable PEM certificate, key or CA ({ex.Message}).");
        }
        if (authorities.Count == 0) throw new ConfigurationException($"{CaVariable} holds no certificate ('{ca}').");
        if (!certificate.HasPrivateKey) throw new ConfigurationException($"{KeyVariable} is not the private key of {CertVariable}.");
        return new ClusterTls { Certificate = certificate, Authorities = authorities };
    }

    /// <summary>True when <paramref name="peer"/> chains to one of the configured authorities (and only to them: the
    /// machine's trusted roots do not count). Revocation is not checked; rotate by replacing the CA.</summary>
    public bool Accepts(X509Certificate2 peer)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(peer);
    }

    /// <summary>Both directions require a certificate from the peer; the platform's verdict (unknown root, host name) is
    /// replaced by <see cref="Accepts"/>.</summary>
    public void Configure(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (peer, _, errors) => (errors & SslPolicyErrors.RemoteCertificateNotAvailable) == 0 && Accepts(peer);
    }

    private static string Required(string? value, string name)
        => value is { Length: > 0 } ? value
            : throw new ConfigurationException($"{name} must be set when {CertVariable} is ({CertVariable}, {KeyVariable} and {CaVariable} go together).");

    private static string ExistingFile(string path, string name)
        => File.Exists(path) ? path : throw new ConfigurationException($"{name}: no file at '{path}'.");
}

public static class ClusterTlsHostingExtensions
{
    /// <summary>Mutual TLS on the silo's inbound (silo and gateway ports) and outbound connections, when configured.</summary>
    public static ISiloBuilder UseClusterTls(this ISiloBuilder silo, IConfiguration config, bool clusterMode)
    {
        if (ClusterTls.Load(config, clusterMode) is { } tls) silo.UseTls(tls.Configure);
        return silo;
    }

    /// <summary>Mutual TLS on the client's connections to the gateways, when configured.</summary>
    public static IClientBuilder UseClusterTls(this IClientBuilder client, IConfiguration config, bool clusterMode)
    {
        if (ClusterTls.Load(config, clusterMode) is { } tls) client.UseTls(tls.Configure);
        return client;
    }
}
