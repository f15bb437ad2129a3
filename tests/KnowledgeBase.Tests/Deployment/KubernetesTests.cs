using k8s;
using k8s.Models;
using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Hosting;

namespace KnowledgeBase.Tests.Deployment;

/// <summary>The k8s/ manifests loaded into the Kubernetes object model (KubernetesClient) and checked for wiring.
/// The base is read from its files; the overlays are rendered with `kubectl kustomize` where kubectl exists (it does
/// on this machine), so the same checks run on what would actually be applied.</summary>
public class KubernetesTests
{
    private static readonly EnvExample Env = EnvExample.Load();

    public static TheoryData<string> Sets => new() { "base", "k8s/overlays/dev", "k8s/overlays/prod" };

    /// <summary>The base, or an overlay rendered by `kubectl kustomize`; without kubectl the test is reported as skipped
    /// (never passed unchecked).</summary>
    internal static ManifestSet Load(string name)
    {
        if (name == "base") return ManifestSet.Base();
        var set = ManifestSet.Rendered(name);
        Skip.If(set is null, $"kubectl not found: {name} cannot be rendered here; install kubectl to check it.");
        return set!;
    }

    private static IEnumerable<V1Container> Containers(V1Deployment d) => d.Spec.Template.Spec.Containers;

    private static bool Selects(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && labels is not null && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>A named or numbered port of the container, as a number.</summary>
    private static int? ContainerPort(V1Container container, IntOrString port) =>
        int.TryParse(port.Value, out var number)
            ? container.Ports?.Any(p => p.ContainerPort == number) == true ? number : null
            : container.Ports?.FirstOrDefault(p => p.Name == port.Value)?.ContainerPort;

    [Fact]
    public void Every_manifest_under_k8s_loads_strictly_into_the_object_model()
    {
        var files = Directory.EnumerateFiles(Repo.PathOf("k8s"), "*.yaml", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "kustomization.yaml").ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(Repo.Root, file).Replace('\\', '/');
            var objects = ManifestSet.LoadFile(relative);
            Assert.True(objects.Count > 0, relative + " holds no object.");
            Assert.All(objects, o => Assert.IsAssignableFrom<IKubernetesObject<V1ObjectMeta>>(o));
        }
    }

    [Theory]
    [InlineData("k8s/base")]
    [InlineData("k8s/overlays/dev")]
    [InlineData("k8s/overlays/prod")]
    public void Kustomizations_list_only_files_that_exist(string folder)
    {
        var k = Kustomization.Load(folder);
        foreach (var path in k.Resources.Concat(k.Patches)) Assert.True(File.Exists(Repo.PathOf(path)), $"{folder} lists missing {path}.");
        foreach (var path in k.ResourceFolders) Assert.True(File.Exists(Repo.PathOf(path + "/kustomization.yaml")), $"{folder} lists {path}, which has no kustomization.yaml.");
        Assert.DoesNotContain(ManifestSet.SecretTemplatePath, k.Resources);
    }

    [Fact]
    public void Every_manifest_file_is_used_by_a_kustomization_except_the_secret_template()
    {
        var used = new[] { "k8s/base", "k8s/overlays/dev", "k8s/overlays/prod" }.Select(Kustomization.Load)
            .SelectMany(k => k.Resources.Concat(k.Patches)).ToHashSet();
        var unused = Directory.EnumerateFiles(Repo.PathOf("k8s"), "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Repo.Root, f).Replace('\\', '/'))
            .Where(f => !f.EndsWith("/kustomization.yaml", StringComparison.Ordinal) && f != ManifestSet.SecretTemplatePath && !used.Contains(f)).ToList();
        Assert.True(unused.Count == 0, "Not referenced by any kustomization: " + string.Join(", ", unused));
    }

    [SkippableTheory]
    [MemberData(nameof(Sets))]
    public void Deployments_select_their_own_pods_and_run_as_non_root_with_limits(string name)
    {
        var set = Load(name);
        var accounts = set.Of<V1ServiceAccount>().Select(a => a.Metadata.Name).ToHashSet();
        Assert.Equal(new[] { "kb-api", "kb-silo" }, set.Of<V1Deployment>().Select(d => d.Metadata.Name).Order());
        foreach (var d in set.Of<V1Deployment>())
        {
            Assert.True(Selects(d.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels), $"{d.Metadata.Name}: selector does not match its pod labels.");
            var pod = d.Spec.Template.Spec;
            Assert.True(pod.SecurityContext?.RunAsNonRoot == true, $"{d.Metadata.Name}: runAsNonRoot");
            Assert.Contains(pod.ServiceAccountName, accounts);
            foreach (var c in pod.Containers)
            {
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    Assert.True(c.Resources?.Requests?.ContainsKey(resource) == true, $"{d.Metadata.Name}/{c.Name}: {resource} request (the HPA needs CPU requests)");
                    Assert.True(c.Resources?.Limits?.ContainsKey(resource) == true, $"{d.Metadata.Name}/{c.Name}: {resource} limit");
                }
                Assert.False(c.SecurityContext?.AllowPrivilegeEscalation ?? true, $"{d.Metadata.Name}/{c.Name}: allowPrivilegeEscalation false");
                var mounts = c.VolumeMounts?.Select(m => m.Name).ToHashSet() ?? [];
                Assert.Subset(pod.Volumes?.Select(v => v.Name).ToHashSet() ?? [], mounts);
            }
        }
        // No two Deployments may claim each other's pods.
        var deployments = set.Of<V1Deployment>().ToList();
        foreach (var a in deployments)
        foreach (var b in deployments.Where(b => b != a))
            Assert.False(Selects(a.Spec.Selector.MatchLabels, b.Spec.Template.Metadata.Labels), $"{a.Metadata.Name} also selects {b.Metadata.Name}'s pods.");
    }

    [SkippableTheory]
    [MemberData(nameof(Sets))]
    public void Services_select_existing_pods_and_target_ports_they_expose(string name)
    {
        var set = Load(name);
        var workloads = set.Of<V1Deployment>().Select(d => (d.Metadata.Name, d.Spec.Template))
            .Concat(set.Of<V1StatefulSet>().Select(s => (s.Metadata.Name, s.Spec.Template))).ToList();
        foreach (var service in set.Of<V1Service>())
        {
            var targets = workloads.Where(w => Selects(service.Spec.Selector, w.Template.Metadata.Labels)).ToList();
            Assert.True(targets.Count == 1, $"Service {service.Metadata.Name} should select exactly one workload's pods, selects {targets.Count}.");
            foreach (var port in service.Spec.Ports)
                Assert.True(targets[0].Template.Spec.Containers.Any(c => ContainerPort(c, port.TargetPort ?? (IntOrString)port.Port.ToString()) is not null),
                    $"Service {service.Metadata.Name} targets port {port.TargetPort?.Value}, which {targets[0].Name} does not expose.");
        }
    }

    /// <summary>Redis holds the membership table: a restarted pod must come back with its data (append-only file on a
    /// persistent volume), reachable where REDIS_URL points, with the password REDIS_URL carries.</summary>
    [SkippableTheory]
    [MemberData(nameof(Sets))]
    public void Redis_keeps_an_append_only_file_on_a_persistent_volume_at_the_address_the_apps_use(string name)
    {
        var set = Load(name);
        var redis = set.Of<V1StatefulSet>().Single(s => s.Metadata.Name == "kb-redis");
        var container = Assert.Single(redis.Spec.Template.Spec.Containers);
        var script = string.Join('\n', (container.Command ?? []).Concat(container.Args ?? []));
        Assert.Contains("appendonly yes", script);
        Assert.Contains("requirepass", script);
        var data = Assert.Single(redis.Spec.VolumeClaimTemplates);
        Assert.Contains(container.VolumeMounts, m => m.Name == data.Metadata.Name && m.MountPath == "/data");
        Assert.Contains("dir /data", script);
        Assert.Equal("kb-secrets", container.Env.Single(e => e.Name == "REDIS_URL").ValueFrom.SecretKeyRef.Name);
        Assert.True(redis.Spec.Template.Spec.SecurityContext?.RunAsNonRoot == true, "kb-redis: runAsNonRoot");
        Assert.True(container.Resources?.Limits?.ContainsKey("memory") == true, "kb-redis: memory limit");

        var service = set.Of<V1Service>().Single(s => s.Metadata.Name == "kb-redis");
        var url = new Uri(ManifestSet.SecretTemplate().StringData["REDIS_URL"]);
        Assert.Equal(service.Metadata.Name, url.Host);
        Assert.Contains(service.Spec.Ports, p => p.Port == url.Port);
    }

    [SkippableTheory]
    [MemberData(nameof(Sets))]
    public void Ingress_reaches_the_api_service_and_is_ready_for_SSE_and_uploads(string name)
    {
        var set = Load(name);
        var ingress = set.Of<V1Ingress>().Single();
        foreach (var path in ingress.Spec.Rules.SelectMany(r => r.Http.Paths))
        {
            var backend = path.Backend.Service;
            var service = set.Of<V1Service>().SingleOrDefault(s => s.Metadata.Name == backend.Name);
            Assert.True(service is not null, $"Ingress points at missing Service {backend.Name}.");
            Assert.Contains(service.Spec.Ports, p => backend.Port.Name is { } n ? p.Name == n : p.Port == backend.Port.Number);
            Assert.Equal("kb-api", backend.Name);
        }
        var annotations = ingress.Metadata.Annotations;
        Assert.Equal("off", annotations["nginx.ingress.kubernetes.io/proxy-buffering"]);
        Assert.True(int.Parse(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600, "long read timeout for streamed answers");
        Assert.True(int.Parse(annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"]) >= 3600, "long send timeout for streamed answers");
        var bodyMb = int.Parse(annotations["nginx.ingress.kubernetes.io/proxy-body-size"].TrimEnd('m', 'M'));
        var configured = set.Of<V1ConfigMap>().Single(c => c.Metadata.Name == "kb-config").Data["MAX_UPLOAD_MB"];
        Assert.True(bodyMb > int.Parse(configured), $"proxy-body-size {bodyMb}m must exceed MAX_UPLOAD_MB {configured} plus multipart overhead.");
    }

    [SkippableTheory]
    [MemberData(nameof(Sets))]
    public void Autoscalers_scale_silos_and_api_at_70_percent_cpu(string name)
    {
        var set = Load(name);
        var hpas = set.Of<V2HorizontalPodAutoscaler>().ToList();
        Assert.Equal(new[] { "kb-api", "kb-silo" }, hpas.Select(h => h.Spec.ScaleTargetRef.Name).Order());
        foreach (var hpa in hpas)
        {
            var target = hpa.Spec.ScaleTargetRef;
            Assert.Equal("Deployment", target.Kind);
            Assert.Equal("apps/v1", target.ApiVersion);
            Assert.Contains(set.Of<V1Deployment>(), d => d.Metadata.Name == target.Name);
            var cpu = hpa.Spec.Metrics.Single(m => m.Type == "Resource" && m.Resource.Name == "cpu").Resource.Target;
            Assert.Equal("Utilization", cpu.Type);
            Assert.Equal(70, cpu.AverageUtilization);
            Assert.InRange(hpa.Spec.MinReplicas ?? 1, 1, hpa.Spec.MaxReplicas);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Sets))]
    public void Disruption_budget_lets_at_most_one_silo_go_at_a_time(string name)
    {
        var set = Load(name);
        var silo = set.Deployment("kb-silo");
        var pdb = set.Of<V1PodDisruptionBudget>().Single(p => Selects(p.Spec.Selector.MatchLabels, silo.Spec.Template.Metadata.Labels));
        if (pdb.Spec.MaxUnavailable is { } max) Assert.Equal("1", max.Value);
        else Assert.True(int.Parse(pdb.Spec.MinAvailable.Value) < (silo.Spec.Replicas ?? 1), "minAvailable must leave room to drain a node.");
        foreach (var other in set.Of<V1PodDisruptionBudget>())
            Assert.Contains(set.Of<V1Deployment>(), d => Selects(other.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels));
    }

    [SkippableTheory]
    [MemberData(nameof(Sets))]
    public void Silo_and_api_take_pod_identity_and_cluster_identity_from_the_downward_API(string name)
    {
        var set = Load(name);
        var expected = new Dictionary<string, string> { ["POD_NAME"] = "metadata.name", ["POD_IP"] = "status.podIP", ["POD_NAMESPACE"] = "metadata.namespace" };
        var silo = Containers(set.Deployment("kb-silo")).Single();
        foreach (var (variable, field) in expected)
            Assert.Equal(field, silo.Env.Single(e => e.Name == variable).ValueFrom?.FieldRef?.FieldPath);

        var identities = new List<(string, string)>();
        foreach (var d in set.Of<V1Deployment>())
        {
            var labels = d.Spec.Template.Metadata.Labels;
            var ids = new[] { "ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID" }.Select(variable =>
            {
                var path = Containers(d).Single().Env.Single(e => e.Name == variable).ValueFrom?.FieldRef?.FieldPath;
                Assert.True(path is not null && path.StartsWith("metadata.labels['", StringComparison.Ordinal), $"{d.Metadata.Name}: {variable} from a pod label");
                var label = path!["metadata.labels['".Length..^2];
                Assert.True(labels.TryGetValue(label, out var value) && value.Length > 0, $"{d.Metadata.Name}: {variable} reads label {label}, which the pod lacks.");
                return value!;
            }).ToArray();
            identities.Add((ids[0], ids[1]));
        }
        Assert.Single(identities.Distinct()); // api clients join the silos' cluster
    }

    [SkippableTheory]
    [MemberData(nameof(Sets))]
    public void Silo_grace_period_outlasts_its_shutdown_timeout(string name)
    {
        var set = Load(name);
        var silo = set.Deployment("kb-silo");
        var env = ContainerEnvironment.Effective(set, Containers(silo).Single());
        var shutdown = env.TryGetValue("SHUTDOWN_TIMEOUT_SECONDS", out var s) ? int.Parse(s) : Repo.IntDefault("silo/Program.cs", "SHUTDOWN_TIMEOUT_SECONDS");
        Assert.True(silo.Spec.Template.Spec.TerminationGracePeriodSeconds > shutdown,
            $"terminationGracePeriodSeconds {silo.Spec.Template.Spec.TerminationGracePeriodSeconds} must exceed SHUTDOWN_TIMEOUT_SECONDS {shutdown}.");
    }

    [SkippableTheory]
    [MemberData(nameof(Sets))]
    public void Probes_and_ports_match_what_the_processes_serve(string name)
    {
        var set = Load(name);

        var api = Containers(set.Deployment("kb-api")).Single();
        var apiEnv = ContainerEnvironment.Effective(set, api);
        var apiPort = new Uri(apiEnv["ASPNETCORE_URLS"].Replace("+", "localhost")).Port;
        Assert.Equal(new Uri(ApiHostingExtensions.DefaultUrl).Port, apiPort);
        Assert.Equal("client", apiEnv["ORLEANS_MODE"]);
        CheckProbes(api, HealthPaths, apiPort, readinessPath: HealthHostingExtensions.ReadyPath);

        var silo = Containers(set.Deployment("kb-silo")).Single();
        var siloEnv = ContainerEnvironment.Effective(set, silo);
        Assert.False(siloEnv.ContainsKey("ASPNETCORE_URLS"), "ASPNETCORE_URLS would override SILO_HTTP_PORT in the silo.");
        var httpPort = int.Parse(siloEnv["SILO_HTTP_PORT"]);
        CheckProbes(silo, HealthPaths, httpPort, readinessPath: HealthHostingExtensions.ReadyPath);
        Assert.NotNull(silo.LivenessProbe);
        Assert.Equal(int.Parse(siloEnv["SILO_PORT"]), silo.Ports.Single(p => p.Name == "silo").ContainerPort);
        Assert.Equal(int.Parse(siloEnv["GATEWAY_PORT"]), silo.Ports.Single(p => p.Name == "gateway").ContainerPort);
    }

    /// <summary>Both hosts map these (MapKnowledgeBaseHealth); Operations/HealthTests checks that they answer.</summary>
    private static readonly IReadOnlySet<string> HealthPaths = new HashSet<string> { HealthHostingExtensions.LivePath, HealthHostingExtensions.ReadyPath };

    private static void CheckProbes(V1Container container, IReadOnlySet<string> served, int port, string? readinessPath)
    {
        var probes = new[] { container.ReadinessProbe, container.LivenessProbe, container.StartupProbe }.Where(p => p is not null).ToList();
        Assert.True(container.ReadinessProbe is not null && container.LivenessProbe is not null, $"{container.Name}: readiness and liveness probes");
        foreach (var probe in probes)
        {
            Assert.Contains(probe!.HttpGet.Path, served);
            Assert.Equal(port, ContainerPort(container, probe.HttpGet.Port));
        }
        if (readinessPath is not null) Assert.Equal(readinessPath, container.ReadinessProbe!.HttpGet.Path);
    }

    [SkippableTheory]
    [MemberData(nameof(Sets))]
    public void Config_and_secret_references_name_keys_that_exist(string name)
    {
        var set = Load(name);
        var secret = ManifestSet.SecretTemplate();
        var configMaps = set.Of<V1ConfigMap>().ToDictionary(c => c.Metadata.Name);
        foreach (var d in set.Of<V1Deployment>())
        foreach (var c in Containers(d))
        {
            foreach (var source in c.EnvFrom ?? [])
            {
                if (source.ConfigMapRef is { } cm) Assert.True(configMaps.ContainsKey(cm.Name), $"{d.Metadata.Name} imports missing ConfigMap {cm.Name}.");
                if (source.SecretRef is { } sr) Assert.Equal(secret.Metadata.Name, sr.Name);
            }
            foreach (var e in c.Env ?? [])
            {
                if (e.ValueFrom?.ConfigMapKeyRef is { } cmk)
                    Assert.True(configMaps.TryGetValue(cmk.Name, out var map) && map.Data.ContainsKey(cmk.Key), $"{d.Metadata.Name}: {e.Name} reads missing {cmk.Name}/{cmk.Key}.");
                if (e.ValueFrom?.SecretKeyRef is { } sk)
                {
                    Assert.Equal(secret.Metadata.Name, sk.Name);
                    Assert.True(secret.StringData.ContainsKey(sk.Key), $"{d.Metadata.Name}: {e.Name} reads key {sk.Key}, missing from {ManifestSet.SecretTemplatePath}.");
                }
            }
        }
        var leaked = configMaps.Values.SelectMany(m => m.Data.Keys).Intersect(secret.StringData.Keys).ToList();
        Assert.True(leaked.Count == 0, "Secret values belong in the Secret, not a ConfigMap: " + string.Join(", ", leaked));
    }

    [SkippableTheory]
    [MemberData(nameof(Sets))]
    public void Containers_get_every_variable_they_read_and_only_the_secrets_they_need(string name)
    {
        var set = Load(name);
        foreach (var (deployment, process) in new[] { ("kb-api", AppProcess.Api), ("kb-silo", AppProcess.Silo) })
        {
            var env = ContainerEnvironment.Effective(set, Containers(set.Deployment(deployment)).Single());
            var missing = ProcessVariables.RequiredFor(process, Env, kubernetes: true).Where(v => !env.ContainsKey(v)).Order().ToList();
            Assert.True(missing.Count == 0, $"{set.Name}/{deployment} does not receive: {string.Join(", ", missing)}");
            var leaked = ProcessVariables.ForbiddenSecrets(process).Where(env.ContainsKey).ToList();
            Assert.True(leaked.Count == 0, $"{set.Name}/{deployment} receives secrets it does not need: {string.Join(", ", leaked)}");
            // Settings with a real default in .env.example must not arrive empty (the code would treat "" as a value).
            var blank = env.Where(kv => kv.Value.Length == 0 && Env.Product.GetValueOrDefault(kv.Key) is { Length: > 0 }).Select(kv => kv.Key).ToList();
            Assert.True(blank.Count == 0, $"{set.Name}/{deployment} sets these empty although they have defaults: {string.Join(", ", blank)}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Sets))]
    public void Metrics_are_scraped_on_private_ports_that_no_Service_or_Ingress_exposes(string name)
    {
        var set = Load(name);
        foreach (var d in set.Of<V1Deployment>())
        {
            var annotations = d.Spec.Template.Metadata.Annotations;
            Assert.True(annotations is not null && annotations.TryGetValue("prometheus.io/scrape", out var scrape) && scrape == "true", $"{d.Metadata.Name} is not marked for scraping.");
            Assert.Equal(TelemetryHostingExtensions.MetricsPath, annotations!["prometheus.io/path"]);
            var container = Containers(d).Single();
            var port = int.Parse(annotations["prometheus.io/port"]);
            Assert.True(container.Ports.Any(p => p.ContainerPort == port), $"{d.Metadata.Name} scrapes port {port}, which its container does not declare.");
            var env = ContainerEnvironment.Effective(set, container);
            Assert.Equal(port, int.Parse(env.GetValueOrDefault("METRICS_PORT") ?? env["SILO_HTTP_PORT"]));
        }

        // The api's public path (Ingress -> Service -> container port) never reaches its metrics port.
        var api = set.Deployment("kb-api");
        var apiContainer = Containers(api).Single();
        var metricsPort = int.Parse(api.Spec.Template.Metadata.Annotations["prometheus.io/port"]);
        var apiServices = set.Of<V1Service>().Where(s => Selects(s.Spec.Selector, api.Spec.Template.Metadata.Labels)).ToList();
        foreach (var port in apiServices.SelectMany(s => s.Spec.Ports))
            Assert.NotEqual(metricsPort, ContainerPort(apiContainer, port.TargetPort ?? (IntOrString)port.Port.ToString()));
        foreach (var path in set.Of<V1Ingress>().SelectMany(i => i.Spec.Rules).SelectMany(r => r.Http.Paths))
            Assert.Contains(apiServices, s => s.Metadata.Name == path.Backend.Service.Name);
    }

    [SkippableTheory]
    [InlineData("k8s/overlays/dev")]
    [InlineData("k8s/overlays/prod")]
    public void Dashboard_and_alert_rules_ship_as_ConfigMaps_with_the_same_content_as_compose_mounts(string overlay)
    {
        var set = Load(overlay);
        var maps = set.Of<V1ConfigMap>().ToDictionary(c => c.Metadata.Name);
        var dashboards = maps["kb-grafana-dashboards"];
        Assert.Equal("1", dashboards.Metadata.Labels["grafana_dashboard"]);
        Assert.Equal(Repo.Read("deploy/grafana/provisioning/dashboards/knowledge-base.json"), dashboards.Data["knowledge-base.json"]);
        Assert.Equal(Repo.Read("deploy/prometheus/alerts.yml"), maps["kb-prometheus-rules"].Data["alerts.yml"]);
    }

    [Fact]
    public void Secret_template_holds_placeholders_only()
    {
        var secret = ManifestSet.SecretTemplate();
        Assert.Superset(ProcessVariables.Secrets.ToHashSet(), secret.StringData.Keys.ToHashSet());
        Assert.Null(secret.Data);
        foreach (var (key, value) in secret.StringData)
            Assert.True(value.Length == 0 || value.Contains("change-me", StringComparison.Ordinal), $"{key} in the template looks like a real value.");
    }

    [Theory]
    [InlineData("k8s/overlays/dev", 1, 1)]
    [InlineData("k8s/overlays/prod", 3, 2)]
    public void Overlay_patches_existing_objects_sets_replicas_and_pins_images(string overlay, int silos, int apis)
    {
        var k = Kustomization.Load(overlay);
        Assert.Contains("k8s/base", k.ResourceFolders);
        Assert.False(string.IsNullOrEmpty(Yaml.Str(k.Root.GetValueOrDefault("namespace"))), $"{overlay} should set a namespace.");

        var baseSet = ManifestSet.Base();
        var patches = k.Patches.SelectMany(ManifestSet.LoadFile).Cast<IKubernetesObject<V1ObjectMeta>>().ToList();
        foreach (var patch in patches)
            Assert.True(baseSet.Objects.Cast<IKubernetesObject<V1ObjectMeta>>().Any(o => o.Kind == patch.Kind && o.Metadata.Name == patch.Metadata.Name),
                $"{overlay} patches {patch.Kind}/{patch.Metadata.Name}, which the base does not have.");

        var deployments = patches.OfType<V1Deployment>().ToDictionary(d => d.Metadata.Name);
        Assert.Equal(silos, deployments["kb-silo"].Spec.Replicas);
        Assert.Equal(apis, deployments["kb-api"].Spec.Replicas);
        foreach (var hpa in patches.OfType<V2HorizontalPodAutoscaler>())
            Assert.InRange(hpa.Spec.MinReplicas ?? 1, 1, hpa.Spec.MaxReplicas);
        var siloHpa = patches.OfType<V2HorizontalPodAutoscaler>().Single(h => h.Metadata.Name == "kb-silo");
        Assert.Equal(silos, siloHpa.Spec.MinReplicas);

        var baseImages = baseSet.Of<V1Deployment>().SelectMany(Containers).Select(c => c.Image).ToHashSet();
        var mapped = k.Images.Select(i => Yaml.Str(i["name"])!).ToHashSet();
        Assert.Equal(baseImages, mapped);
        foreach (var image in k.Images)
        {
            var tag = Yaml.Str(image.GetValueOrDefault("newTag")) ?? Yaml.Str(image.GetValueOrDefault("digest"));
            Assert.False(string.IsNullOrEmpty(tag) || tag == "latest", $"{overlay} should pin {Yaml.Str(image["name"])} to a tag.");
        }
    }
}
