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
