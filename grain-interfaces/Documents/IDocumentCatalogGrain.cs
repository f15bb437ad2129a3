namespace KnowledgeBase.Contracts;

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
