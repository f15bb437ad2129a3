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
    ReadOnlyMemory<float> Embedding,
    string? CollectionId = null)
{
    /// <summary>The collection (문서함) whose read list decides who may retrieve this chunk.</summary>
    public string Collection => DefaultCollection.Of(CollectionId);
}

/// <summary>A collection id as a 64-bit key in the indexes' numeric fields (Lucene doc values can be updated in place,
/// so moving a document re-indexes nothing). The default collection is 0, which is also what a chunk indexed before
/// collections existed reads as.</summary>
public static class CollectionKeys
{
    public static long Of(string? collectionId)
    {
        var id = DefaultCollection.Of(collectionId);
        if (id == DefaultCollection.Id) return 0;
        // FNV-1a over the id's UTF-16 code units: stable across processes and versions (string.GetHashCode is not).
        var hash = 14695981039346656037UL;
        foreach (var c in id) hash = (hash ^ c) * 1099511628211UL;
        return hash == 0 ? 1 : (long)hash;
    }

    public static HashSet<long> Of(IEnumerable<string> collectionIds) => collectionIds.Select(Of).ToHashSet();
}

/// <summary>The lexical and vector indexes behind one interface. Replacing a document is atomic: a search sees
/// either all of the old chunks or all of the new ones.</summary>
public interface IKnowledgeIndex
{
    Task ReplaceDocumentAsync(string documentId, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken = default);

    Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default);

    /// <summary>Puts a document's chunks in another collection in place (nothing is parsed or embedded again); visible
    /// to searches in one step. False when the index does not hold the document.</summary>
    Task<bool> MoveDocumentAsync(string documentId, string collectionId, CancellationToken cancellationToken = default);

    /// <summary>The best chunks for a query among those in <paramref name="collections"/> (null: every collection). The
    /// collections filter each half of the search before ranking, so top-k is k readable chunks.</summary>
    Task<IReadOnlyList<SearchHit>> SearchAsync(string query, ReadOnlyMemory<float> queryEmbedding, int topK,
        IReadOnlyList<string>? tags, IReadOnlyCollection<string>? collections, CancellationToken cancellationToken = default);

    long ChunkCount { get; }

    /// <summary>The chunks with these ids that exist and sit in <paramref name="collections"/> (null: every collection), in
    /// the order asked.</summary>
    Task<IReadOnlyList<SearchHit>> GetChunksAsync(IReadOnlyList<string> chunkIds, IReadOnlyCollection<string>? collections,
        CancellationToken cancellationToken = default);
}

/// <summary>What chat and /api/search call: embeds the query and searches the index.</summary>
public interface IRetriever
{
    /// <summary><paramref name="collections"/> is the caller's readable collections (null only for a caller who may read
    /// them all); it is required so that no caller can forget it.</summary>
    Task<IReadOnlyList<SearchHit>> RetrieveAsync(string query, int topK, IReadOnlyList<string>? tags, IReadOnlyCollection<string>? collections,
        CancellationToken cancellationToken = default);

    /// <summary>The same search, with what embedding the query cost (what a user's /api/search is charged).</summary>
    async Task<MeteredRetrieval> RetrieveMeteredAsync(string query, int topK, IReadOnlyList<string>? tags, IReadOnlyCollection<string>? collections,
        CancellationToken cancellationToken = default)
        => new(await RetrieveAsync(query, topK, tags, collections, cancellationToken), 0, null);
}

/// <summary>A search's hits and the embedding model's tokens for its query: what the model reported using, 0 when no
/// model was called (a cached vector, or an embedder that reports nothing, as the offline one).</summary>
public sealed record MeteredRetrieval(IReadOnlyList<SearchHit> Hits, long EmbeddingTokens, string? EmbeddingModel);

/// <summary>A vector store every silo shares (ChromaDB). When one is registered, the local index keeps no vectors and
/// asks this store for the vector half of each search; ingestion writes to it once, not once per silo.</summary>
public interface ISharedVectorStore
{
    /// <summary>Makes the document's vectors exactly <paramref name="chunks"/> (stale chunks removed).</summary>
    Task ReplaceDocumentAsync(string documentId, int version, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken = default);

    Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default);

    /// <summary>Rewrites the collection in the metadata of the document's records (vectors untouched).</summary>
    Task MoveDocumentAsync(string documentId, string collectionId, CancellationToken cancellationToken = default);

    /// <summary>The nearest chunks by cosine similarity, optionally only those carrying any of <paramref name="tags"/>
    /// and only in <paramref name="collections"/> (null: any), filtered by the store before it ranks.</summary>
    Task<IReadOnlyList<(string ChunkId, string DocumentId, float Score)>> SearchAsync(ReadOnlyMemory<float> embedding,
        IReadOnlyList<string>? tags, IReadOnlyCollection<string>? collections, int count, CancellationToken cancellationToken = default);
}
