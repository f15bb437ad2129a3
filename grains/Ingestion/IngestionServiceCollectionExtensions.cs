using Microsoft.Extensions.DependencyInjection;

namespace KnowledgeBase.Grains.Ingestion;

public static class IngestionServiceCollectionExtensions
{
    /// <summary>Parsers, chunker and the pipeline that runs them.</summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services)
    {
        // Filled in by the ingestion work: IDocumentParser and IChunker implementations.
        services.AddSingleton<IngestionPipeline>();
        return services;
    }
}
