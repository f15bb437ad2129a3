namespace KnowledgeBase.Grains;

public sealed record DocumentCatalogShardState
{
    /// <summary>The layout of this record; a later release that changes it migrates from this number on purpose.</summary>
    public int SchemaVersion { get; set; } = 1;

    public Dictionary<string, DocumentInfo> Documents { get; init; } = new();

    /// <summary>The last ready revision of each document: what the indexes keep serving while a new version is being
    /// processed, or after its processing failed.</summary>
    public Dictionary<string, IndexedDocument> Indexed { get; init; } = new();

    /// <summary>The corpus version of this slice's last write; the catalog's version is the highest of its slices.</summary>
    public long CorpusVersion { get; set; }
}

/// <summary>One stored slice of the document catalog; only <see cref="DocumentCatalogGrain"/> calls it.</summary>
public sealed class DocumentCatalogShardGrain(
    [PersistentState("catalog", "kb")] IPersistentState<DocumentCatalogShardState> state) : Grain, IDocumentCatalogShardGrain
{
    public async Task PutAsync(DocumentInfo info, IndexedDocument? indexed, long corpusVersion)
    {
        state.State.Documents[info.DocumentId] = info;
        if (indexed is not null) state.State.Indexed[info.DocumentId] = indexed;
        state.State.CorpusVersion = Math.Max(state.State.CorpusVersion, corpusVersion);
        await state.WriteStateAsync();
    }

    public async Task RemoveAsync(string documentId, long corpusVersion)
    {
        state.State.Documents.Remove(documentId);
        state.State.Indexed.Remove(documentId);
        state.State.CorpusVersion = Math.Max(state.State.CorpusVersion, corpusVersion);
        await state.WriteStateAsync();
    }

    public Task<CatalogSlice> LoadAsync()
        => Task.FromResult(new CatalogSlice(state.State.Documents.Values.ToList(), state.State.Indexed.Values.ToList(), state.State.CorpusVersion));
}
