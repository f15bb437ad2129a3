namespace KnowledgeBase.Grains.Retrieval;

/// <summary>A chunk as the index stores it.</summary>
public sealed record IndexedChunk(
    string ChunkId,
    string DocumentId,
    string FileName,
    string Title,
    string Section,
    int? Page,
    string Text,
    IReadOnlyList<string> Tags,
    ReadOnlyMemory<float> Embedding);

/// <summary>The lexical and vector indexes behind one interface. Replacing a document is atomic: a search sees
/// either all of the old chunks or all of the new ones.</summary>
public interface IKnowledgeIndex
{
    Task ReplaceDocumentAsync(string documentId, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken = default);

    Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SearchHit>> SearchAsync(string query, ReadOnlyMemory<float> queryEmbedding, int topK,
        IReadOnlyList<string>? tags, CancellationToken cancellationToken = default);

    long ChunkCount { get; }
}

/// <summary>What chat and /api/search call: embeds the query and searches the index.</summary>
public interface IRetriever
{
    Task<IReadOnlyList<SearchHit>> RetrieveAsync(string query, int topK, IReadOnlyList<string>? tags, CancellationToken cancellationToken = default);
}

/// <summary>A vector store every silo shares (ChromaDB). When one is registered, the local index keeps no vectors and
/// asks this store for the vector half of each search; ingestion writes to it once, not once per silo.</summary>
public interface ISharedVectorStore
{
    /// <summary>Makes the document's vectors exactly <paramref name="chunks"/> (stale chunks removed).</summary>
    Task ReplaceDocumentAsync(string documentId, int version, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken = default);

    Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default);

    /// <summary>The nearest chunks by cosine similarity, optionally only those carrying any of <paramref name="tags"/>.</summary>
    Task<IReadOnlyList<(string ChunkId, string DocumentId, float Score)>> SearchAsync(ReadOnlyMemory<float> embedding,
        IReadOnlyList<string>? tags, int count, CancellationToken cancellationToken = default);
}
