using System.Net;
using System.Text.Json;

namespace KnowledgeBase.Tests.Operations;

/// <summary>/metrics as Prometheus scrapes it after a little real use, checked against the Grafana dashboard and the
/// alert rules: every query must name a series the product really exports (units, _total and _bucket included).</summary>
[Collection(OperationsCollection.Name)]
public sealed class MetricsTests(OperationsFixture fixture)
{
    private const string DashboardFile = "deploy/grafana/provisioning/dashboards/knowledge-base.json";
    private const string AlertsFile = "deploy/prometheus/alerts.yml";

    [Fact]
    public async Task Every_dashboard_query_names_a_metric_the_product_exports()
    {
        var exported = PrometheusText.MetricNames(await fixture.ScrapeAsync());
        var queries = DashboardQueries().ToList();
        Assert.True(queries.Count >= 30, $"only {queries.Count} dashboard queries");
        var missing = queries
            .SelectMany(q => PrometheusText.MetricsIn(q.Expr).Where(name => !exported.Contains(name)).Select(name => $"{q.Panel}: {name}"))
            .ToList();
        Assert.True(missing.Count == 0, "Dashboard panels query series /metrics does not have:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Dashboard_groups_its_panels_in_the_six_rows_of_the_original()
    {
        using var dashboard = JsonDocument.Parse(Deployment.Repo.Read(DashboardFile));
        var rows = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.GetProperty("type").GetString() == "row").Select(p => p.GetProperty("title").GetString()).ToList();
        Assert.Equal(["Traffic", "Performance", "Accuracy", "Cost", "Errors", "System"], rows);
        Assert.Equal("prometheus", dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .First(p => p.GetProperty("type").GetString() != "row").GetProperty("datasource").GetProperty("uid").GetString());
    }

    [Fact]
    public async Task Every_alert_rule_names_a_metric_the_product_exports()
    {
        var exported = PrometheusText.MetricNames(await fixture.ScrapeAsync());
        var rules = Deployment.Yaml.List(Deployment.Yaml.LoadFile(AlertsFile)["groups"])
            .SelectMany(g => Deployment.Yaml.List(Deployment.Yaml.Map(g)!["rules"]).Select(r => Deployment.Yaml.Map(r)!))
            .ToList();
        Assert.Contains(rules, r => Deployment.Yaml.Str(r["alert"])!.Contains("ErrorRate", StringComparison.Ordinal));
        Assert.Contains(rules, r => Deployment.Yaml.Str(r["expr"])!.Contains("histogram_quantile(0.99", StringComparison.Ordinal));
        Assert.Contains(rules, r => Deployment.Yaml.Str(r["expr"])!.Contains("kb_model_cost_usd_total", StringComparison.Ordinal));
        foreach (var rule in rules)
        {
            var names = PrometheusText.MetricsIn(Deployment.Yaml.Str(rule["expr"])!);
            Assert.NotEmpty(names);
            var missing = names.Where(n => !exported.Contains(n) && !PrometheusText.Synthetic.Contains(n)).ToList();
            Assert.True(missing.Count == 0, $"alert {Deployment.Yaml.Str(rule["alert"])} reads {string.Join(", ", missing)}, which /metrics does not have.");
        }
    }

    [Fact]
    public async Task Figures_count_what_the_user_did()
    {
        var scrape = await fixture.ScrapeAsync();
        Assert.True(PrometheusText.Sum(scrape, "kb_requests_total", ("kind", "chat")) >= 2);
        Assert.True(PrometheusText.Sum(scrape, "kb_requests_total", ("kind", "upload")) >= 1);
        Assert.True(PrometheusText.Sum(scrape, "kb_requests_total", ("kind", "search")) >= 1);
        // The second, identical question is answered from the cache.
        Assert.True(PrometheusText.Sum(scrape, "kb_cache_lookups_total", ("cache", "answer"), ("result", "hit")) >= 1);
        Assert.True(PrometheusText.Sum(scrape, "kb_chat_answers_total", ("cached", "true")) >= 1);
        Assert.True(PrometheusText.Sum(scrape, "kb_feedback_total", ("rating", "up")) >= 1);
        Assert.True(PrometheusText.Sum(scrape, "kb_feedback_total", ("rating", "down"), ("reason", "wrong_answer")) >= 1);
        Assert.True(PrometheusText.Sum(scrape, "kb_ingestion_jobs_total", ("outcome", "ready")) >= 1);
        Assert.True(PrometheusText.Sum(scrape, "kb_chat_time_to_first_token_seconds_count") >= 2);
        // The stub's first request got a 429; the retry succeeded.
        Assert.True(PrometheusText.Sum(scrape, "kb_model_retries_total", ("failure", "429")) >= 1);
        Assert.True(PrometheusText.Sum(scrape, "kb_model_retry_successes_total") >= 1);
        Assert.True(PrometheusText.Sum(scrape, "kb_model_tokens_total", ("model", "gpt-4o-mini"), ("type", "output")) > 0);
        Assert.True(PrometheusText.Sum(scrape, "kb_model_cost_usd_total", ("model", "gpt-4o-mini")) > 0);
        // Ingestion's embeddings are model spend too.
        Assert.True(PrometheusText.Sum(scrape, "kb_model_tokens_total", ("model", "text-embedding-3-small"), ("type", "input")) > 0);
        Assert.True(PrometheusText.Sum(scrape, "kb_users_active") >= 1);
        Assert.Equal(0, PrometheusText.Sum(scrape, "kb_chat_in_flight"));
    }

    [Fact]
    public async Task Metrics_are_served_only_on_the_metrics_port()
    {
        using var publicPort = new HttpClient { BaseAddress = fixture.Api.AppAddress };
        Assert.Equal(HttpStatusCode.NotFound, (await publicPort.GetAsync("/metrics")).StatusCode);
        // Not even with the metrics port in the Host header: the check is on the connection, which a client cannot forge.
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        forged.Headers.Host = $"localhost:{fixture.Api.MetricsPort}";
        Assert.Equal(HttpStatusCode.NotFound, (await publicPort.SendAsync(forged)).StatusCode);
        Assert.Contains("kb_requests_total", await fixture.ScrapeAsync());
        // And the metrics port serves nothing but the scrape.
        using var metricsPort = new HttpClient { BaseAddress = fixture.Api.MetricsAddress };
        Assert.Equal(HttpStatusCode.NotFound, (await metricsPort.GetAsync("/health/ready")).StatusCode);
    }

    private static IEnumerable<(string Panel, string Expr)> DashboardQueries()
    {
        using var dashboard = JsonDocument.Parse(Deployment.Repo.Read(DashboardFile));
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            if (!panel.TryGetProperty("targets", out var targets)) continue;
            foreach (var target in targets.EnumerateArray())
                yield return (panel.GetProperty("title").GetString()!, target.GetProperty("expr").GetString()!);
        }
    }
}
