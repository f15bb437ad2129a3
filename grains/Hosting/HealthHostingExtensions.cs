using System.Text.Json;
using KnowledgeBase.Grains.Health;
using KnowledgeBase.Grains.Models;
using KnowledgeBase.Grains.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KnowledgeBase.Grains.Hosting;

/// <summary>/health/live (the process answers) and /health/ready (every part this process is configured to use
/// answers). Per-part detail is written only when the caller may see it; everyone else gets the status alone.</summary>
public static class HealthHostingExtensions
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    private const string Ready = "ready";
    private const string HttpClientName = "health";
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    /// <param name="hostsSilo">True where grains run (silo, co-hosted api): their database, vectors and model count.
    /// A pure client checks only what it touches itself (Redis membership, the document store).</param>
    public static IServiceCollection AddKnowledgeBaseHealthChecks(this IServiceCollection services, IConfiguration config, bool hostsSilo)
    {
        services.AddHttpClient(HttpClientName, c => c.Timeout = ProbeTimeout);
        var checks = services.AddHealthChecks();
        if (hostsSilo)
        {
            checks.AddCheck<SiloHealthCheck>("silo", tags: [Ready]);
            checks.AddCheck<DatabaseHealthCheck>("database", tags: [Ready], timeout: ProbeTimeout);
            checks.AddCheck<QueryLogHealthCheck>("query_log", HealthStatus.Degraded, tags: [Ready]);
        }
        if (config["REDIS_URL"] is { Length: > 0 } redis)
        {
            if (hostsSilo) checks.AddCheck<MembershipTableHealthCheck>("membership", tags: [Ready]);
            else checks.AddCheck<GatewayHealthCheck>("gateways", tags: [Ready]);
            var check = new RedisHealthCheck(RedisUrl.ToConfiguration(redis));
            checks.Add(new HealthCheckRegistration("redis", _ => check, HealthStatus.Unhealthy, [Ready], ProbeTimeout));
        }
        if (S3Options.FromConfiguration(config) is not null)
            checks.AddCheck<BlobStoreHealthCheck>("s3", tags: [Ready], timeout: ProbeTimeout);
        if (hostsSilo && config["CHROMA_URL"] is { Length: > 0 } chroma)
            checks.Add(new HealthCheckRegistration("chroma",
                sp => new HttpHealthCheck(sp.GetRequiredService<IHttpClientFactory>(), HttpClientName, new Uri(chroma.TrimEnd('/') + "/api/v2/heartbeat")),
                HealthStatus.Unhealthy, [Ready], ProbeTimeout));
        if (hostsSilo && OpenAiOptions.FromConfiguration(config) is { IsConfigured: true } openAi)
        {
            // Degraded, not Unhealthy: a model outage must not take every pod out of service (uploads, search and
            // history still work); the status and the dashboard show it. Cached, so the paid API sees ~1 call a minute.
            var models = new Uri((string.IsNullOrWhiteSpace(openAi.BaseUrl) ? "https://api.openai.com/v1" : openAi.BaseUrl.TrimEnd('/')) + "/models");
            CachedHealthCheck? cached = null;
            checks.Add(new HealthCheckRegistration("model", sp => cached ??= new CachedHealthCheck(
                    new HttpHealthCheck(sp.GetRequiredService<IHttpClientFactory>(), HttpClientName, models, openAi.ApiKey),
                    TimeSpan.FromSeconds(60), sp.GetRequiredService<TimeProvider>()),
                HealthStatus.Degraded, [Ready], ProbeTimeout));
        }
        return services;
    }

    /// <param name="showDetail">Who may see each part's status and message (the api: admins; a silo's private port: everyone).</param>
    public static IEndpointRouteBuilder MapKnowledgeBaseHealth(this IEndpointRouteBuilder app, Func<HttpContext, bool> showDetail)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = (c, r) => WriteAsync(c, r, false) });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(Ready),
            ResponseWriter = (context, report) => WriteAsync(context, report, showDetail(context)),
        });
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report, bool detail)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        object body = detail
            ? new
            {
                status = report.Status.ToString(),
                durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
                parts = report.Entries.ToDictionary(e => e.Key, e => new
                {
                    status = e.Value.Status.ToString(),
                    durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                    description = e.Value.Description ?? e.Value.Exception?.GetType().Name,
                    data = e.Value.Data.Count > 0 ? e.Value.Data : null,
                }),
            }
            : new { status = report.Status.ToString() };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }
}
