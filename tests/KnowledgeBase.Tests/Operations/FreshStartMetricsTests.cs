using System.Text.Json;

namespace KnowledgeBase.Tests.Operations;

/// <summary>A fresh install's first scrape, before anyone used it: every counter and gauge the Grafana dashboard and the
/// alert rules read is already there at 0, so panels show 0 rather than "No data" and rate() alerts work from the first
/// minute. (Histograms appear with their first observation.)</summary>
[Collection(OperationsCollection.Name)]
public sealed class FreshStartMetricsTests
{
    private const string DashboardFile = "deploy/grafana/provisioning/dashboards/knowledge-base.json";
    private const string AlertsFile = "deploy/prometheus/alerts.yml";

    private static IEnumerable<string> DashboardAndAlertSeries()
    {
        using var dashboard = JsonDocument.Parse(Deployment.Repo.Read(DashboardFile));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
        expressions.AddRange(Deployment.Yaml.List(Deployment.Yaml.LoadFile(AlertsFile)["groups"])
            .SelectMany(g => Deployment.Yaml.List(Deployment.Yaml.Map(g)!["rules"]))
            .Select(r => Deployment.Yaml.Str(Deployment.Yaml.Map(r)!["expr"])!));
        return expressions.SelectMany(PrometheusText.MetricsIn).Where(n => n.StartsWith("kb_", StringComparison.Ordinal)).Distinct();
    }

    [Fact]
    public async Task The_first_scrape_of_a_fresh_start_has_every_dashboard_counter_at_zero()
    {
        await using var api = new KestrelApiFactory();
        using (var client = api.CreateClient()) (await client.GetAsync("/health/live")).EnsureSuccessStatusCode();
        using var scraper = new HttpClient { BaseAddress = api.MetricsAddress };
        var scrape = await scraper.GetStringAsync("/metrics");
        var exported = PrometheusText.MetricNames(scrape);

        var wanted = DashboardAndAlertSeries().Where(n => !n.EndsWith("_bucket", StringComparison.Ordinal)).ToList();
        Assert.Contains("kb_feedback_total", wanted);
        Assert.Contains("kb_ingestion_jobs_total", wanted);
        Assert.Contains("kb_model_retries_total", wanted);
        Assert.Contains("kb_model_retry_successes_total", wanted);
        var missing = wanted.Where(n => !exported.Contains(n)).ToList();
        Assert.True(missing.Count == 0, "absent from the first scrape: " + string.Join(", ", missing));

        foreach (var counter in new[] { "kb_feedback_total", "kb_ingestion_jobs_total", "kb_model_retries_total", "kb_model_retry_successes_total", "kb_chat_answers_total" })
            Assert.Equal(0, PrometheusText.Sum(scrape, counter));
        Assert.Equal(0, PrometheusText.Sum(scrape, "kb_ingestion_jobs_total", ("outcome", "failed")));
        Assert.Equal(0, PrometheusText.Sum(scrape, "kb_feedback_total", ("rating", "down"), ("reason", "wrong_answer")));
    }
}
