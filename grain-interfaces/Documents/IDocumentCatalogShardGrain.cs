namespace KnowledgeBase.Contracts;

/// <summary>The stored slice of the document catalog (keys "0" to "127", a document's slice fixed by its id): the catalog
/// keeps the whole list in memory and writes only the slice a change touched, so a write costs the same at 1,000 and
/// at 20,000 documents.</summary>
[Alias("kb.IDocumentCatalogShardGrain")]
public interface IDocumentCatalogShardGrain : IGrainWithStringKey
{
    /// <summary>Stores a document's entry (and its ready revision, when it has one) at a corpus version.</summary>
    [Alias("Put")]
    Task PutAsync(DocumentInfo info, IndexedDocument? indexed, long corpusVersion);

    [Alias("Remove")]
    Task RemoveAsync(string documentId, long corpusVersion);

    [Alias("Load")]
    Task<CatalogSlice> LoadAsync();
}

/// <summary>One stored slice: its documents, their ready revisions and the corpus version of its last write.</summary>
[GenerateSerializer, Immutable, Alias("kb.CatalogSlice")]
public sealed record CatalogSlice(
    [property: Id(0)] IReadOnlyList<DocumentInfo> Documents,
    [property: Id(1)] IReadOnlyList<IndexedDocument> Indexed,
    [property: Id(2)] long CorpusVersion);

/// <summary>A change of what the indexes should hold, pushed to every silo: the document's ready revision and collection
/// in force, or null when it was deleted. A silo whose last seen version is <see cref="PreviousVersion"/> applies it
/// directly; any other reads the whole manifest.</summary>
[GenerateSerializer, Immutable, Alias("kb.CorpusChange")]
public sealed record CorpusChange(
    [property: Id(0)] long CorpusVersion,
    [property: Id(1)] long PreviousVersion,
    [property: Id(2)] string DocumentId,
    [property: Id(3)] IndexedDocument? Document);
