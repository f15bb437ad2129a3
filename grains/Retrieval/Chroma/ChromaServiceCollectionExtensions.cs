using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace KnowledgeBase.Grains.Retrieval.Chroma;

/// <summary>CHROMA_URL switches vectors to a ChromaDB server; CHROMA_TENANT and CHROMA_DATABASE (created when missing)
/// and COLLECTION_NAME say where in it they live.</summary>
public sealed record ChromaOptions(Uri Url, string Tenant, string Database, string Collection)
{
    public const string DefaultTenant = "default_tenant";
    public const string DefaultDatabase = "default_database";
    public const string DefaultCollection = "knowledge_base";

    public static ChromaOptions? FromConfiguration(IConfiguration config)
    {
        if (config["CHROMA_URL"] is not { Length: > 0 } raw) return null;
        if (!Uri.TryCreate(raw.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"CHROMA_URL must be an http(s) URL such as http://chroma:8000 (got '{raw}').");
        return new ChromaOptions(url,
            Name(config, "CHROMA_TENANT", DefaultTenant),
            Name(config, "CHROMA_DATABASE", DefaultDatabase),
            Name(config, "COLLECTION_NAME", DefaultCollection));
    }

    private static string Name(IConfiguration config, string variable, string fallback)
    {
        var value = config[variable] is { Length: > 0 } v ? v.Trim() : fallback;
        if (value.Length is < 3 or > 512)
            throw new InvalidOperationException($"{variable} must have 3 to 512 characters; ChromaDB refuses shorter names (got '{value}').");
        return value;
    }

    public override string ToString() => $"{Url} {Tenant}/{Database}/{Collection}";
}

public static class ChromaServiceCollectionExtensions
{
    /// <summary>The typed <see cref="ChromaClient"/> for <paramref name="baseUrl"/>: up to 3 retries with exponential
    /// backoff and jitter on connection failures, 5xx, 408 and 429; a 10 s limit per attempt; and a circuit breaker, so
    /// that while the server is down calls fail at once instead of each waiting through its retries.</summary>
    public static IServiceCollection AddChromaClient(this IServiceCollection services, Uri baseUrl)
    {
        services.AddHttpClient<ChromaClient>(http => http.BaseAddress = baseUrl)
            // One long-lived client is held by singletons; pooled connections are renewed so DNS changes are seen.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("chroma", pipeline =>
            {
                pipeline.AddTimeout(TimeSpan.FromSeconds(30));
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 3,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(200),
                });
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.5,
                    MinimumThroughput = 8,
                    SamplingDuration = TimeSpan.FromSeconds(20),
                    BreakDuration = TimeSpan.FromSeconds(5),
                });
                pipeline.AddTimeout(TimeSpan.FromSeconds(10));
            });
        return services;
    }

    /// <summary>Vectors in ChromaDB when CHROMA_URL is set; otherwise nothing is registered and the local index keeps them.</summary>
    public static IServiceCollection AddChromaVectorStore(this IServiceCollection services, IConfiguration config)
    {
        if (ChromaOptions.FromConfiguration(config) is not { } options) return services;
        services.AddSingleton(options);
        services.AddChromaClient(options.Url);
        services.AddSingleton<ISharedVectorStore, ChromaVectorStore>();
        return services;
    }
}
