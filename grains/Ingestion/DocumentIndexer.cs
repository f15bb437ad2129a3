using KnowledgeBase.Grains.Retrieval;
using KnowledgeBase.Grains.Retrieval.Replication;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>The index step of ingestion across the cluster: the shared parts once (vectors to ChromaDB when configured,
/// the chunk file to the blob store), then this silo's local index; other silos follow from the chunk file.</summary>
public sealed class DocumentIndexer(IndexReplicator replicator, ChunkFiles chunkFiles, ISharedVectorStore? sharedVectors = null)
{
    /// <summary>Publishes the chunks in <paramref name="collectionId"/> (the chunk file keeps no collection: other silos
    /// take it from the catalog, where a move changes it).</summary>
    public async Task PublishAsync(string documentId, int version, long revision, string collectionId, IReadOnlyList<IndexedChunk> chunks,
        CancellationToken cancellationToken = default)
    {
        chunks = chunks.Select(c => c with { CollectionId = collectionId }).ToList();
        if (sharedVectors is not null) await sharedVectors.ReplaceDocumentAsync(documentId, version, chunks, cancellationToken);
        await chunkFiles.WriteAsync(new ChunkFile(documentId, version, revision, chunks), cancellationToken);
        await replicator.ApplyAsync(documentId, version, revision, chunks, cancellationToken);
    }

    /// <summary>Removes the document everywhere: its chunk files (of the given versions), its vectors and its local
    /// chunks; other silos drop it when it leaves the catalog.</summary>
    public async Task RemoveAsync(string documentId, IEnumerable<int> versions, CancellationToken cancellationToken = default)
    {
        foreach (var version in versions.Distinct()) await chunkFiles.DeleteAsync(documentId, version, cancellationToken);
        if (sharedVectors is not null) await sharedVectors.DeleteDocumentAsync(documentId, cancellationToken);
        await replicator.RemoveAsync(documentId, cancellationToken);
    }

    /// <summary>Moves a document's chunks to another collection in the shared vector store and this silo's index; other
    /// silos move theirs when the catalog's change is pushed to them. Nothing is embedded again.</summary>
    public async Task MoveAsync(string documentId, string collectionId, CancellationToken cancellationToken = default)
    {
        if (sharedVectors is not null) await sharedVectors.MoveDocumentAsync(documentId, collectionId, cancellationToken);
        await replicator.MoveAsync(documentId, collectionId, cancellationToken);
    }

    /// <summary>A chunk file superseded by a newer ready version.</summary>
    public Task DeleteChunkFileAsync(string documentId, int version, CancellationToken cancellationToken = default)
        => chunkFiles.DeleteAsync(documentId, version, cancellationToken);
}
