using KnowledgeBase.Grains.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KnowledgeBase.Grains.Caching;

public static class CachingServiceCollectionExtensions
{
    public const long InMemoryCacheBytes = 64L * 1024 * 1024;

    /// <summary>The answer and embedding caches: Redis when REDIS_URL is set (shared by every silo), in memory otherwise.
    /// Model embeddings are cached (a repeated query or re-indexed chunk costs nothing); the offline embedder is not,
    /// because computing it is cheaper than a cache round trip.</summary>
    public static IServiceCollection AddCaches(this IServiceCollection services, IConfiguration config)
    {
        if (config["REDIS_URL"] is { Length: > 0 } redis)
            services.AddStackExchangeRedisCache(o =>
            {
                o.Configuration = RedisUrl.ToConfiguration(redis);
                o.InstanceName = "";
            });
        else
            // Bounded by bytes (each entry counts its length): unique questions would otherwise grow it for a day.
            services.AddDistributedMemoryCache(o => o.SizeLimit = InMemoryCacheBytes);

        services.TryAddSingleton<CacheStatistics>();
        services.TryAddSingleton<AnswerCache>();

        var embedder = services.LastOrDefault(d => d.ServiceType == typeof(IEmbeddingGenerator<string, Embedding<float>>));
        if (embedder is not null && embedder.ImplementationFactory is { } factory && config["OPENAI_API_KEY"] is { Length: > 0 })
        {
            services.Remove(embedder);
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
            {
                var inner = (IEmbeddingGenerator<string, Embedding<float>>)factory(sp);
                return new EmbeddingCache(inner, sp.GetRequiredService<IDistributedCache>(), sp.GetRequiredService<CacheStatistics>());
            });
        }
        return services;
    }
}
