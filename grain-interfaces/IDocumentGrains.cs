namespace KnowledgeBase.Contracts;

/// <summary>One document keyed by its id (doc_ + 12 hex of SHA-256): its file and its parse, chunk, embed, index pipeline.</summary>
[Alias("kb.IDocumentGrain")]
public interface IDocumentGrain : IGrainWithStringKey
{
    /// <summary>Registers the upload and starts ingestion in the background; returns at once.</summary>
    [Alias("Submit")]
    Task<DocumentSubmitResult> SubmitAsync(DocumentUpload upload);

    /// <summary>Replaces the content with a new version; the old one stays searchable until the new one is ready.</summary>
    [Alias("Replace")]
    Task<DocumentInfo> ReplaceAsync(DocumentUpload upload);

    [AlwaysInterleave, Alias("Get")]
    Task<DocumentInfo?> GetAsync();

    [Alias("Reindex")]
    Task<DocumentInfo?> ReindexAsync();

    [Alias("Delete")]
    Task<bool> DeleteAsync();

    /// <summary>Moves the document to another collection (문서함); in force on every silo within a second, nothing re-embedded.</summary>
    [Alias("Move")]
    Task<DocumentInfo?> MoveAsync(string collectionId);
}

/// <summary>The list of documents (single activation, key "all").</summary>
[Alias("kb.IDocumentCatalogGrain")]
public interface IDocumentCatalogGrain : IGrainWithStringKey
{
    [Alias("Upsert")]
    Task UpsertAsync(DocumentInfo info);

    [Alias("Remove")]
    Task RemoveAsync(string documentId);

    [Alias("List")]
    Task<DocumentPage> ListAsync(int skip, int take, string? nameFilter, string? tag);

    /// <summary>A page of the documents in <paramref name="collections"/> (null: all), optionally of one collection.</summary>
    [Alias("ListIn")]
    Task<DocumentPage> ListInAsync(int skip, int take, string? nameFilter, string? tag, IReadOnlyList<string>? collections, string? collectionId);

    /// <summary>How many documents each collection holds.</summary>
    [Alias("CountByCollection")]
    Task<IReadOnlyDictionary<string, int>> CountByCollectionAsync();

    [Alias("Version")]
    Task<long> GetCorpusVersionAsync();

    /// <summary>Documents whose ingestion had not finished (used to resume after a restart).</summary>
    [Alias("ListUnfinished")]
    Task<IReadOnlyList<string>> ListUnfinishedAsync();

    /// <summary>What every silo's local index should hold: the ready revision of each document (polled by the index
    /// replicators when the corpus version changes).</summary>
    [AlwaysInterleave, Alias("IndexManifest")]
    Task<IndexManifest> GetIndexManifestAsync();
}

/// <summary>Runs a search on the silo that holds the index (stateless, local).</summary>
[Alias("kb.ISearchGrain")]
public interface ISearchGrain : IGrainWithIntegerKey
{
    [Alias("Search")]
    Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default);
}
