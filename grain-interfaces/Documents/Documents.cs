namespace KnowledgeBase.Contracts;

[GenerateSerializer, Alias("kb.DocumentStatus")]
public enum DocumentStatus { Queued = 0, Parsing = 1, Chunking = 2, Embedding = 3, Indexing = 4, Ready = 5, Failed = 6, Deleted = 7 }

/// <summary>An uploaded file already stored in the blob store, handed to its document grain.</summary>
[GenerateSerializer, Immutable, Alias("kb.DocumentUpload")]
public sealed record DocumentUpload(
    [property: Id(0)] string FileName,
    [property: Id(1)] string ContentType,
    [property: Id(2)] long SizeBytes,
    [property: Id(3)] string Sha256,
    [property: Id(4)] string BlobKey,
    [property: Id(5)] IReadOnlyList<string> Tags,
    [property: Id(6)] string UploadedBy,
    [property: Id(7)] string? CollectionId = null);

[GenerateSerializer, Immutable, Alias("kb.DocumentInfo")]
public sealed record DocumentInfo(
    [property: Id(0)] string DocumentId,
    [property: Id(1)] string FileName,
    [property: Id(2)] string Title,
    [property: Id(3)] string ContentType,
    [property: Id(4)] long SizeBytes,
    [property: Id(5)] string Sha256,
    [property: Id(6)] DocumentStatus Status,
    [property: Id(7)] string? Error,
    [property: Id(8)] int ChunkCount,
    [property: Id(9)] IReadOnlyList<string> Tags,
    [property: Id(10)] string UploadedBy,
    [property: Id(11)] DateTimeOffset UploadedAt,
    [property: Id(12)] DateTimeOffset UpdatedAt,
    [property: Id(13)] int Version,
    [property: Id(14)] string BlobKey,
    [property: Id(15)] string? ErrorCode,
    [property: Id(16)] string? CollectionId = null)
{
    /// <summary>The collection the document lives in (documents stored before collections existed: the default one).</summary>
    public string Collection => DefaultCollection.Of(CollectionId);
}

[GenerateSerializer, Immutable, Alias("kb.DocumentPage")]
public sealed record DocumentPage(
    [property: Id(0)] IReadOnlyList<DocumentInfo> Items,
    [property: Id(1)] int Total,
    [property: Id(2)] int Skip,
    [property: Id(3)] int Take);

[GenerateSerializer, Immutable, Alias("kb.SearchQuery")]
public sealed record SearchQuery(
    [property: Id(0)] string Query,
    [property: Id(1)] int TopK,
    [property: Id(2)] IReadOnlyList<string>? Tags,
    [property: Id(3)] IReadOnlyList<string>? Collections = null);

[GenerateSerializer, Immutable, Alias("kb.SearchHit")]
public sealed record SearchHit(
    [property: Id(0)] string ChunkId,
    [property: Id(1)] string DocumentId,
    [property: Id(2)] string FileName,
    [property: Id(3)] string Title,
    [property: Id(4)] string Section,
    [property: Id(5)] int? Page,
    [property: Id(6)] double Score,
    [property: Id(7)] string Text,
    [property: Id(8)] IReadOnlyList<string> Tags,
    [property: Id(9)] string? CollectionId = null);

/// <summary>A user's search as their session answers it: the hits, or why it was refused (rate limit, budget), and what
/// embedding the query cost (the tokens the embedding model reported, 0 when a cached vector or the offline embedder
/// served it), charged to the user like a chat turn.</summary>
[GenerateSerializer, Immutable, Alias("kb.SearchOutcome")]
public sealed record SearchOutcome(
    [property: Id(0)] IReadOnlyList<SearchHit> Hits,
    [property: Id(1)] ErrorEvent? Refusal,
    [property: Id(2)] long EmbeddingTokens,
    [property: Id(3)] decimal CostUsd);

/// <summary>Created is false when the same bytes were already stored under this id.</summary>
[GenerateSerializer, Immutable, Alias("kb.DocumentSubmitResult")]
public sealed record DocumentSubmitResult(
    [property: Id(0)] DocumentInfo Info,
    [property: Id(1)] bool Created);

/// <summary>A document as the indexes should hold it. <paramref name="Revision"/> is the time its current chunks were
/// produced (it changes on replace and on reindex); null while it has never been ready.</summary>
[GenerateSerializer, Immutable, Alias("kb.IndexedDocument")]
public sealed record IndexedDocument(
    [property: Id(0)] string DocumentId,
    [property: Id(1)] int Version,
    [property: Id(2)] long? Revision,
    [property: Id(3)] string? CollectionId = null);

/// <summary>Every document of the catalog with its indexed revision, at one corpus version.</summary>
[GenerateSerializer, Immutable, Alias("kb.IndexManifest")]
public sealed record IndexManifest(
    [property: Id(0)] long CorpusVersion,
    [property: Id(1)] IReadOnlyList<IndexedDocument> Documents);

/// <summary>The vector store (ChromaDB) cannot be reached or keeps failing after retries; the api answers 503.</summary>
[GenerateSerializer, Alias("kb.VectorStoreUnavailableException")]
public sealed class VectorStoreUnavailableException : Exception
{
    public VectorStoreUnavailableException() { }

    public VectorStoreUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}
