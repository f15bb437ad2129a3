using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Models;
using KnowledgeBase.Grains.Retrieval.Replication;
using KnowledgeBase.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KnowledgeBase.Grains.Ingestion;

public static class IngestionServiceCollectionExtensions
{
    /// <summary>Parsers, chunker, the pipeline that runs them and its index step (the local index, chunk files and the
    /// shared vector store when one is registered). Files go to the blob store registered before this (S3), or under
    /// STORAGE_DIR.</summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services)
    {
        services.AddOptions<KnowledgeBaseOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITokenCounter, TiktokenTokenCounter>();
        services.TryAddSingleton<IDocumentParser, DocumentParser>();
        services.TryAddSingleton<IChunker, StructuredChunker>();
        services.TryAddSingleton<IBlobStore, LocalFileBlobStore>();
        services.TryAddSingleton<ChunkFiles>();
        services.TryAddSingleton<IndexReplicator>();
        services.TryAddSingleton<DocumentIndexer>();
        services.TryAddSingleton<IngestionArtifacts>();
        services.TryAddSingleton<IngestionPipeline>();
        return services;
    }
}
