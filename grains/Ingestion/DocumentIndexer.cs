using KnowledgeBase.Grains.Retrieval;
using KnowledgeBase.Grains.Retrieval.Replication;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>The index step of ingestion across the cluster: the shared parts once (vectors to ChromaDB when configured,
/// the chunk file to the blob store), then this silo's local index; other silos follow from the chunk file.</summary>
public sealed class DocumentIndexer(LocalIndex local, ChunkFiles chunkFiles, ISharedVectorStore? sharedVectors = null)
{
    public async Task PublishAsync(string documentId, int version, long revision, IReadOnlyList<IndexedChunk> chunks,
        CancellationToken cancellationToken = default)
    {
        if (sharedVectors is not null) await sharedVectors.ReplaceDocumentAsync(documentId, version, chunks, cancellationToken);
        await chunkFiles.WriteAsync(new ChunkFile(documentId, version, revision, chunks), cancellationToken);
        await local.ApplyAsync(documentId, version, revision, chunks, cancellationToken);
    }

    /// <summary>Removes the document everywhere: its chunk files (of the given versions), its vectors and its local
    /// chunks; other silos drop it when it leaves the catalog.</summary>
    public async Task RemoveAsync(string documentId, IEnumerable<int> versions, CancellationToken cancellationToken = default)
    {
        foreach (var version in versions.Distinct()) await chunkFiles.DeleteAsync(documentId, version, cancellationToken);
        if (sharedVectors is not null) await sharedVectors.DeleteDocumentAsync(documentId, cancellationToken);
        await local.RemoveAsync(documentId, cancellationToken);
    }

    /// <summary>A chunk file superseded by a newer ready version.</summary>
    public Task DeleteChunkFileAsync(string documentId, int version, CancellationToken cancellationToken = default)
        => chunkFiles.DeleteAsync(documentId, version, cancellationToken);
}
