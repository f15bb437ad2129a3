using KnowledgeBase.Grains.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Retrieval;

public static class RetrievalServiceCollectionExtensions
{
    /// <summary>The embedded index (lexical + vector under DATA_DIR) and the retriever over it. The offline hashing embedder
    /// is the default <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>; a model registration made before or after
    /// this call (e.g. OpenAI's) takes precedence.</summary>
    public static IServiceCollection AddRetrieval(this IServiceCollection services, Action<RetrievalOptions>? configure = null)
    {
        var options = services.AddOptions<RetrievalOptions>();
        if (configure is not null) options.Configure(configure);
        services.AddOptions<AnswerOptions>();
        services.TryAddSingleton<SynonymRegistry>();
        services.TryAddSingleton<BoostRegistry>();
        services.TryAddSingleton<QueryExpander>(sp => new QueryExpander(sp.GetRequiredService<SynonymRegistry>(),
            sp.GetRequiredService<IOptions<AnswerOptions>>()));
        services.TryAddSingleton<IKnowledgeIndex, HybridKnowledgeIndex>();
        services.TryAddSingleton<IRetriever, HybridRetriever>();
        services.TryAddSingleton<ITermRarity>(sp => sp.GetRequiredService<IKnowledgeIndex>() as ITermRarity ?? UniformTermRarity.Instance);
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(
            sp => new HashingEmbeddingGenerator(sp.GetRequiredService<IOptions<RetrievalOptions>>().Value.HashingDimensions));
        return services;
    }
}
