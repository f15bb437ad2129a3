namespace KnowledgeBase.Tests.Deployment;

/// <summary>The files compose mounts into the OpenTelemetry collector, Prometheus and Grafana agree with each other
/// and with the services they watch.</summary>
public class MonitoringConfigTests
{
    private static readonly ComposeFile Compose = ComposeFile.Load();

    private static string MountSource(string service, string target) =>
        Yaml.List(Compose.Service(service).GetValueOrDefault("volumes")).Select(v => Yaml.Str(v)!.Split(':'))
            .Single(parts => parts.Length > 1 && parts[1] == target)[0];

    private static int PortOf(string endpoint) => int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..]);

    [Fact]
    public void Collector_receives_otlp_where_the_apps_send_it_and_exports_metrics_to_Prometheus()
    {
        var config = Yaml.LoadFile(MountSource("otel-collector", "/etc/otelcol-contrib/config.yaml"));
        var grpc = Yaml.Str(Yaml.MapAt(Yaml.MapAt(Yaml.MapAt(Yaml.MapAt(config, "receivers"), "otlp"), "protocols"), "grpc").GetValueOrDefault("endpoint"))!;
        foreach (var app in new[] { "api", "silo" })
            Assert.Equal(PortOf(grpc), new Uri(Compose.EffectiveEnvironment(app)["OTEL_EXPORTER_OTLP_ENDPOINT"]).Port);

        var service = Yaml.MapAt(config, "service");
        foreach (var (name, pipelineNode) in Yaml.MapAt(service, "pipelines"))
        {
            var pipeline = Yaml.Map(pipelineNode)!;
            foreach (var section in new[] { "receivers", "processors", "exporters" })
            foreach (var component in Yaml.List(pipeline.GetValueOrDefault(section)).Select(Yaml.Str))
                Assert.True(Yaml.MapAt(config, section).ContainsKey(component!), $"pipeline {name} uses undefined {section[..^1]} {component}.");
        }
        Assert.Contains("prometheus", Yaml.List(Yaml.MapAt(Yaml.MapAt(service, "pipelines"), "metrics").GetValueOrDefault("exporters")).Select(Yaml.Str));
    }

    [Fact]
    public void Prometheus_scrapes_api_silos_and_the_collector_on_their_ports()
    {
        var config = Yaml.LoadFile(MountSource("prometheus", "/etc/prometheus/prometheus.yml"));
        var jobs = Yaml.List(config.GetValueOrDefault("scrape_configs")).Select(j => Yaml.Map(j)!)
            .ToDictionary(j => Yaml.Str(j["job_name"])!);

        (string Host, int Port) Target(string job)
        {
            var sd = Yaml.List(jobs[job].GetValueOrDefault("dns_sd_configs")).Select(Yaml.Map).FirstOrDefault();
            if (sd is not null) return (Yaml.Str(Yaml.List(sd["names"])[0])!, int.Parse(Yaml.Str(sd["port"])!));
            var target = Yaml.Str(Yaml.List(Yaml.Map(Yaml.List(jobs[job]["static_configs"])[0])!["targets"])[0])!;
            return (target[..target.LastIndexOf(':')], PortOf(target));
        }

        // The api's scrape is on METRICS_PORT, not on the port compose publishes.
        var apiMetricsPort = int.Parse(Compose.EffectiveEnvironment("api")["METRICS_PORT"]);
        Assert.Equal(("api", apiMetricsPort), Target("api"));
        Assert.NotEqual(new Uri(KnowledgeBase.Api.Hosting.ApiHostingExtensions.DefaultUrl).Port, apiMetricsPort);
        Assert.Equal(("silo", Repo.IntDefault("silo/Program.cs", "SILO_HTTP_PORT")), Target("silo"));

        var collector = Yaml.LoadFile(MountSource("otel-collector", "/etc/otelcol-contrib/config.yaml"));
        var exporterPort = PortOf(Yaml.Str(Yaml.MapAt(Yaml.MapAt(collector, "exporters"), "prometheus")["endpoint"])!);
        Assert.Equal(("otel-collector", exporterPort), Target("otel-collector"));
    }

    [Fact]
    public void Prometheus_loads_the_alert_rules_file_compose_mounts()
    {
        var config = Yaml.LoadFile(MountSource("prometheus", "/etc/prometheus/prometheus.yml"));
        var ruleFiles = Yaml.List(config.GetValueOrDefault("rule_files")).Select(Yaml.Str).ToList();
        Assert.NotEmpty(ruleFiles);
        foreach (var file in ruleFiles)
        {
            var source = MountSource("prometheus", file!).TrimStart('.', '/');
            var groups = Yaml.List(Yaml.LoadFile(source).GetValueOrDefault("groups"));
            Assert.NotEmpty(groups);
        }
    }

    [Fact]
    public void Grafana_provisions_the_Prometheus_datasource_and_a_dashboard_folder()
    {
        var provisioning = MountSource("grafana", "/etc/grafana/provisioning").TrimStart('.', '/');
        var datasource = Yaml.LoadFile($"{provisioning}/datasources/prometheus.yaml");
        var prometheus = Yaml.Map(Yaml.List(datasource["datasources"]).Single())!;
        Assert.Equal("prometheus", Yaml.Str(prometheus["type"]));
        var url = new Uri(Yaml.Str(prometheus["url"])!);
        Assert.True(Compose.Services.ContainsKey(url.Host));

        // Dashboards (issue 6) are JSON files in the provider's folder; the folder must be the mounted one.
        var providers = Yaml.LoadFile($"{provisioning}/dashboards/dashboards.yaml");
        var path = Yaml.Str(Yaml.MapAt(Yaml.Map(Yaml.List(providers["providers"]).Single())!, "options")["path"])!;
        Assert.Equal("/etc/grafana/provisioning/dashboards", path);
    }
}
