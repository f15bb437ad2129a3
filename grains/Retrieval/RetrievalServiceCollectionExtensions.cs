using Microsoft.Extensions.DependencyInjection;

namespace KnowledgeBase.Grains.Retrieval;

public static class RetrievalServiceCollectionExtensions
{
    /// <summary>The embedded index (lexical + vector under DATA_DIR) and the retriever over it.</summary>
    public static IServiceCollection AddRetrieval(this IServiceCollection services)
    {
        // Filled in by the retrieval work: IKnowledgeIndex and IRetriever implementations.
        return services;
    }
}
