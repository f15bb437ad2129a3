using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KnowledgeBase.Grains.Ingestion;

public static class IngestionServiceCollectionExtensions
{
    /// <summary>Parsers, chunker and the pipeline that runs them.</summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services)
    {
        services.AddOptions<KnowledgeBaseOptions>();
        services.TryAddSingleton<ITokenCounter, TiktokenTokenCounter>();
        services.TryAddSingleton<IDocumentParser, DocumentParser>();
        services.TryAddSingleton<IChunker, StructuredChunker>();
        services.AddSingleton<IngestionPipeline>();
        return services;
    }
}
