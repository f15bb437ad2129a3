using KnowledgeBase.Grains.Accounting;
using KnowledgeBase.Grains.Retrieval;
using KnowledgeBase.Grains.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace KnowledgeBase.Grains.Hosting;

/// <summary>OpenTelemetry for the api and the silo: metrics always (the Prometheus scrape endpoint), and metrics,
/// traces and logs over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.</summary>
public static class TelemetryHostingExtensions
{
    public const string MetricsPath = "/metrics";

    /// <summary>Meters the product exports: its own, Orleans', ASP.NET Core's and .NET's (runtime, process, HTTP client).</summary>
    public static readonly string[] Meters =
    [
        KnowledgeBaseTelemetry.Name, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
        "System.Net.Http", "System.Runtime",
    ];

    public static IHostApplicationBuilder AddKnowledgeBaseTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var config = builder.Configuration;
        var otlp = KnowledgeBaseSettings.TracingEnabled(config);
        var options = KnowledgeBaseConfiguration.Load(config);
        KnowledgeBaseTelemetry.ObserveHost(options.DataDir);
        var telemetry = builder.Services.AddOpenTelemetry()
            // The host name is the pod's name in Kubernetes and the container's id in compose: one instance each.
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics => metrics
                .AddMeter(Meters)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddPrometheusExporter());
        builder.Services.AddHostedService<ZeroSeriesAtStart>();

        // Traces and logs leave the process only over OTLP; without a collector they are not collected at all.
        if (otlp)
        {
            telemetry
                .WithTracing(tracing => tracing
                    .AddSource(KnowledgeBaseTelemetry.Name, Orleans.Diagnostics.ActivitySources.AllActivitySourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsOperationsPath(context.Request.Path))
                    .AddHttpClientInstrumentation())
                .WithLogging()
                .UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>Spans and metrics around the chat client, the embedding generator and the retriever, whichever the
    /// host wired (call it after they are registered).</summary>
    /// <param name="tracing">Whether traces are exported (OTLP): Microsoft.Extensions.AI's OpenTelemetry wrappers, which
    /// make the model-call spans, are added only then; they cost ~25% of chat throughput here and the figures the
    /// dashboard needs come from our own thin wrappers.</param>
    public static IServiceCollection AddModelAndRetrievalTelemetry(this IServiceCollection services, bool tracing)
    {
        Decorate<IChatClient>(services, (sp, inner) =>
        {
            var builder = inner.AsBuilder();
            if (tracing) builder.UseOpenTelemetry(sp.GetService<ILoggerFactory>(), KnowledgeBaseTelemetry.Name);
            return builder.Use(c => new TelemetryChatClient(c, sp.GetRequiredService<PriceTable>())).Build(sp);
        });
        Decorate<IEmbeddingGenerator<string, Embedding<float>>>(services, (sp, inner) =>
        {
            var builder = inner.AsBuilder();
            if (tracing) builder.UseOpenTelemetry(sp.GetService<ILoggerFactory>(), KnowledgeBaseTelemetry.Name);
            return builder.Use(g => new TelemetryEmbeddingGenerator(g, sp.GetRequiredService<PriceTable>())).Build(sp);
        });
        Decorate<IRetriever>(services, (_, inner) => new TelemetryRetriever(inner));
        return services;
    }

    /// <summary>Serves the Prometheus scrape on <see cref="MetricsPath"/>, only to connections on <paramref name="port"/>
    /// (a port the Ingress and the public Service never route to). The connection's local port cannot be forged by a
    /// client, unlike the Host header.</summary>
    public static IApplicationBuilder UseMetricsEndpoint(this IApplicationBuilder app, int port)
    {
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Connection.LocalPort == port && context.Request.Path == MetricsPath);
        // The metrics port serves the scrape and nothing else.
        return app.Use((context, next) =>
        {
            if (context.Connection.LocalPort != port) return next(context);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
    }

    public static bool IsOperationsPath(PathString path)
        => path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/health");

    private static void Decorate<T>(IServiceCollection services, Func<IServiceProvider, T, T> wrap) where T : class
    {
        var existing = services.LastOrDefault(d => d.ServiceType == typeof(T) && !d.IsKeyedService);
        if (existing is null) return;
        services.Remove(existing);
        services.Add(ServiceDescriptor.Describe(typeof(T), sp => wrap(sp, Resolve<T>(sp, existing)), existing.Lifetime));
    }

    private static T Resolve<T>(IServiceProvider sp, ServiceDescriptor descriptor) where T : class
        => descriptor.ImplementationInstance as T
           ?? (descriptor.ImplementationFactory is { } factory ? (T)factory(sp) : (T)ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!));
}

/// <summary>Starts the dashboard's counter series at 0 once the exporter listens (see
/// <see cref="KnowledgeBaseTelemetry.StartSeriesAtZero"/>), with the models this process calls.</summary>
internal sealed class ZeroSeriesAtStart(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolving the provider builds it, so its listener is attached before the zeros are added.
        services.GetService<OpenTelemetry.Metrics.MeterProvider>();
        var models = new List<string>();
        if (services.GetService<IChatClient>()?.GetService<ChatClientMetadata>()?.DefaultModelId is { } chat) models.Add(chat);
        if (services.GetService<IEmbeddingGenerator<string, Embedding<float>>>()?.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId is { } embedding)
            models.Add(embedding);
        KnowledgeBaseTelemetry.StartSeriesAtZero(models);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
