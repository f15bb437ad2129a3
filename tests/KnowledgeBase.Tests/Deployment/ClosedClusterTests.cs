using System.Diagnostics;
using k8s.Models;
using KnowledgeBase.Grains.Clustering;

namespace KnowledgeBase.Tests.Deployment;

/// <summary>The deployment files keep the cluster closed: Kubernetes NetworkPolicies and docker compose networks let
/// each Orleans port be reached only by the processes that need it, and both mount the cluster's TLS certificates
/// from outside the repository.</summary>
public class ClosedClusterTests
{
    private const string CertificateSecret = "orleans-tls";
    private const string MonitoringNamespace = "monitoring";

    public static TheoryData<string> Sets => KubernetesTests.Sets;

    private static ManifestSet Load(string name) => KubernetesTests.Load(name);

    /// <summary>A pod that might open a connection: its labels and namespace.</summary>
    private sealed record Pod(string Name, IDictionary<string, string> Labels, string Namespace);

    [SkippableTheory]
    [MemberData(nameof(Sets))]
    public void Network_policies_open_each_port_only_to_its_callers_and_deny_the_rest(string name)
    {
        var set = Load(name);
        var silo = set.Deployment("kb-silo");
        var api = set.Deployment("kb-api");
        var ns = silo.Metadata.NamespaceProperty ?? "default";
        var siloPod = new Pod("silo", silo.Spec.Template.Metadata.Labels, ns);
        var apiPod = new Pod("api", api.Spec.Template.Metadata.Labels, ns);
        var intruder = new Pod("another pod of the namespace", new Dictionary<string, string> { ["app"] = "intruder" }, ns);
        var apiLookalike = new Pod("a pod with the api's labels in another namespace", api.Spec.Template.Metadata.Labels, "elsewhere");
        var prometheus = new Pod("prometheus", new Dictionary<string, string> { ["app"] = "prometheus" }, MonitoringNamespace);
        Pod[] everyone = [siloPod, apiPod, intruder, apiLookalike, prometheus];

        void Expect(Pod target, string portName, params Pod[] allowed)
        {
            var port = Port(set, target == siloPod ? "kb-silo" : "kb-api", portName);
            foreach (var source in everyone)
                Assert.True(Allowed(set, target, port, source) == allowed.Contains(source),
                    $"{name}: {source.Name} -> {target.Name}:{port} ({portName}) should be {(allowed.Contains(source) ? "allowed" : "denied")}.");
        }

        Expect(siloPod, "silo", siloPod);
        Expect(siloPod, "gateway", apiPod);
        Expect(siloPod, "http", prometheus);
        Expect(apiPod, "metrics", prometheus);
        Expect(apiPod, "http", everyone);
        // Redis (the membership table) to silos and apis only.
        var redis = set.Of<V1StatefulSet>().Single(s => s.Metadata.Name == "kb-redis");
        var redisPod = new Pod("redis", redis.Spec.Template.Metadata.Labels, ns);
        var redisPort = redis.Spec.Template.Spec.Containers.Single().Ports.Single(p => p.Name == "redis").ContainerPort;
        foreach (var source in everyone)
            Assert.True(Allowed(set, redisPod, redisPort, source) == (source == siloPod || source == apiPod),
                $"{name}: {source.Name} -> redis:{redisPort} should be {(source == siloPod || source == apiPod ? "allowed" : "denied")}.");
        // Anything else in the namespace (and any other port) is closed to everyone.
        foreach (var source in everyone)
        {
            Assert.False(Allowed(set, intruder, 8080, source), $"{name}: {source.Name} reaches an unlisted pod.");
            Assert.False(Allowed(set, siloPod, 9999, source), $"{name}: {source.Name} reaches an unlisted silo port.");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Sets))]
    public void Api_and_silos_read_the_cluster_certificates_from_the_secret_where_the_settings_point(string name)
    {
        var set = Load(name);
        foreach (var deployment in set.Of<V1Deployment>())
        {
            var pod = deployment.Spec.Template.Spec;
            var volume = Assert.Single(pod.Volumes, v => v.Secret?.SecretName == CertificateSecret);
            var container = Assert.Single(pod.Containers);
            var mount = Assert.Single(container.VolumeMounts, m => m.Name == volume.Name);
            Assert.True(mount.ReadOnlyProperty, $"{deployment.Metadata.Name} mounts the certificates writable.");
            var env = ContainerEnvironment.Effective(set, container);
            Assert.Equal("true", env["ORLEANS_TLS"]);
            foreach (var (variable, file) in new[] { ("ORLEANS_TLS_CERT", "tls.crt"), ("ORLEANS_TLS_KEY", "tls.key"), ("ORLEANS_TLS_CA", "ca.crt") })
                Assert.Equal($"{mount.MountPath}/{file}", env[variable]);
        }
        Assert.DoesNotContain(set.Of<V1Secret>(), s => s.Metadata.Name == CertificateSecret);
    }

    [Fact]
    public void No_certificate_or_private_key_is_committed()
    {
        var git = Process.Start(new ProcessStartInfo("git", ["-C", Repo.Root, "ls-files"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var files = git.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        git.WaitForExit();
        Assert.NotEmpty(files);
        var leaked = files.Where(f => File.Exists(Repo.PathOf(f)) && new FileInfo(Repo.PathOf(f)).Length < 1_000_000)
            .Where(f => System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText(Repo.PathOf(f)), "-{5}BEGIN (CERTIFICATE|[A-Z ]*PRIVATE KEY)-{5}"))
            .ToList();
        Assert.True(leaked.Count == 0, "Certificate material in the repository: " + string.Join(", ", leaked));
    }

    [Fact]
    public void Compose_puts_silos_and_backing_services_on_an_internal_network()
    {
        var compose = ComposeFile.Load();
        var networks = Yaml.MapAt(compose.Root, "networks");
        var internalNetworks = networks.Where(n => Yaml.Str(Yaml.Map(n.Value)?.GetValueOrDefault("internal")) == "true").Select(n => n.Key).ToHashSet();
        Assert.NotEmpty(internalNetworks);
        var membership = compose.Services.ToDictionary(s => s.Key, s => Yaml.List(Yaml.Map(s.Value)!.GetValueOrDefault("networks")).Select(n => Yaml.Str(n)!).ToList());
        foreach (var (service, joined) in membership)
        {
            Assert.True(joined.Count > 0, $"{service} is on compose's default network; name its networks.");
            if (service is "api" or "grafana") continue;
            Assert.True(joined.Any(internalNetworks.Contains), $"{service} is not on an internal network.");
            // A silo's other network (its way to the model API) is its alone: nothing else there reaches its Orleans ports.
            foreach (var open in joined.Where(n => !internalNetworks.Contains(n)))
                Assert.True(service == "silo" && membership.Where(m => m.Key != "silo").All(m => !m.Value.Contains(open)),
                    $"{service} is on the non-internal network {open}.");
        }
    }

    [Fact]
    public void Compose_publishes_only_the_api_to_other_machines()
    {
        var compose = ComposeFile.Load();
        foreach (var (service, node) in compose.Services)
        foreach (var port in Yaml.List(Yaml.Map(node)!.GetValueOrDefault("ports")).Select(p => Yaml.Str(p)!))
            Assert.True(service == "api" || port.StartsWith("127.0.0.1:", StringComparison.Ordinal),
                $"{service} publishes {port} on every interface of the host.");
    }

    [Theory]
    [InlineData("api")]
    [InlineData("silo")]
    public void Compose_gives_api_and_silos_the_certificates_from_a_volume(string service)
    {
        var compose = ComposeFile.Load();
        var env = compose.EffectiveEnvironment(service);
        Assert.Equal("true", ComposeFile.Resolve(env["ORLEANS_TLS"]));
        var mount = Yaml.List(compose.Service(service).GetValueOrDefault("volumes")).Select(v => ComposeFile.Resolve(Yaml.Str(v)!).Split(':'))
            .Single(parts => env["ORLEANS_TLS_CERT"].StartsWith(parts[1] + "/", StringComparison.Ordinal));
        Assert.Equal("ro", mount.ElementAtOrDefault(2));
        foreach (var variable in new[] { "ORLEANS_TLS_KEY", "ORLEANS_TLS_CA" })
            Assert.StartsWith(mount[1] + "/", env[variable]);
    }

    [Fact]
    public void The_setting_names_the_deployment_files_use_are_the_ones_the_code_reads()
    {
        Assert.Equal(["ORLEANS_TLS", "ORLEANS_TLS_CERT", "ORLEANS_TLS_KEY", "ORLEANS_TLS_CA"],
            [ClusterTls.EnabledVariable, ClusterTls.CertVariable, ClusterTls.KeyVariable, ClusterTls.CaVariable]);
    }

    private static int Port(ManifestSet set, string deployment, string portName)
        => set.Deployment(deployment).Spec.Template.Spec.Containers.Single().Ports.Single(p => p.Name == portName).ContainerPort;

    /// <summary>Kubernetes' rule: a pod no ingress policy selects takes everything; a selected pod takes a connection
    /// when some rule of some policy selecting it allows that port from that peer.</summary>
    private static bool Allowed(ManifestSet set, Pod target, int port, Pod source)
    {
        var policies = set.Of<V1NetworkPolicy>()
            .Where(p => (p.Metadata.NamespaceProperty ?? "default") == target.Namespace || p.Metadata.NamespaceProperty is null)
            .Where(p => p.Spec.PolicyTypes?.Contains("Ingress") != false && Selects(p.Spec.PodSelector, target.Labels))
            .ToList();
        if (policies.Count == 0) return true;
        return policies.Any(p => (p.Spec.Ingress ?? []).Any(rule =>
            (rule.Ports is not { Count: > 0 } || rule.Ports.Any(p => p.Port?.Value == port.ToString()))
            && (rule.FromProperty is not { Count: > 0 } || rule.FromProperty.Any(peer => PeerMatches(peer, target.Namespace, source)))));
    }

    private static bool PeerMatches(V1NetworkPolicyPeer peer, string policyNamespace, Pod source)
    {
        Assert.Null(peer.IpBlock);
        var namespaceLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = source.Namespace };
        var inNamespace = peer.NamespaceSelector is { } ns ? Selects(ns, namespaceLabels) : source.Namespace == policyNamespace;
        return inNamespace && (peer.PodSelector is not { } pods || Selects(pods, source.Labels));
    }

    private static bool Selects(V1LabelSelector selector, IDictionary<string, string> labels)
    {
        Assert.True(selector.MatchExpressions is not { Count: > 0 }, "matchExpressions are not evaluated here; use matchLabels.");
        return (selector.MatchLabels ?? new Dictionary<string, string>()).All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }
}
