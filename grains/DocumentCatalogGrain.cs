namespace KnowledgeBase.Grains;

public sealed record DocumentCatalogState
{
    /// <summary>The layout of this record; a later release that changes it migrates from this number on purpose.</summary>
    public int SchemaVersion { get; set; } = 1;

    public Dictionary<string, DocumentInfo> Documents { get; init; } = new();
    public long CorpusVersion { get; set; }

    /// <summary>The last ready revision of each document: what the indexes keep serving while a new version is being
    /// processed, or after its processing failed.</summary>
    public Dictionary<string, IndexedDocument> Indexed { get; init; } = new();
}

/// <summary>The list of all documents with their latest status. The corpus version changes whenever what a search
/// can find changes, so caches keyed by it never serve answers from an old corpus.</summary>
public sealed class DocumentCatalogGrain(
    [PersistentState("catalog", "kb")] IPersistentState<DocumentCatalogState> state) : Grain, IDocumentCatalogGrain
{
    public async Task UpsertAsync(DocumentInfo info)
    {
        var previous = state.State.Documents.GetValueOrDefault(info.DocumentId);
        state.State.Documents[info.DocumentId] = info;
        var changed = false;
        if (info.Status == DocumentStatus.Ready && (previous is null || previous.Status != DocumentStatus.Ready || previous.Version != info.Version))
        {
            state.State.CorpusVersion++;
            state.State.Indexed[info.DocumentId] = Indexed(info);
            changed = true;
        }
        else if (previous is not null && previous.Collection != info.Collection)
        {
            // A move changes what each silo's index must filter: a new corpus version, pushed to every silo.
            state.State.CorpusVersion++;
            changed = true;
        }
        await state.WriteStateAsync();
        if (changed) await PublishAsync();
    }

    /// <summary>Tells every silo (through the permissions grain's observers) that the corpus changed; a silo the push
    /// misses notices it at its next poll.</summary>
    private Task PublishAsync() => GrainFactory.GetGrain<IPermissionsGrain>("all").PublishCorpusChangedAsync(state.State.CorpusVersion);

    public async Task RemoveAsync(string documentId)
    {
        if (!state.State.Documents.Remove(documentId)) return;
        state.State.Indexed.Remove(documentId);
        state.State.CorpusVersion++;
        await state.WriteStateAsync();
        await PublishAsync();
    }

    public Task<DocumentPage> ListAsync(int skip, int take, string? nameFilter, string? tag) => ListInAsync(skip, take, nameFilter, tag, null, null);

    public Task<DocumentPage> ListInAsync(int skip, int take, string? nameFilter, string? tag, IReadOnlyList<string>? collections, string? collectionId)
    {
        IEnumerable<DocumentInfo> query = state.State.Documents.Values;
        if (collections is not null)
        {
            var readable = collections.ToHashSet(StringComparer.Ordinal);
            query = query.Where(d => readable.Contains(d.Collection));
        }
        if (!string.IsNullOrEmpty(collectionId)) query = query.Where(d => d.Collection == collectionId);
        if (!string.IsNullOrWhiteSpace(nameFilter))
            query = query.Where(d => d.FileName.Contains(nameFilter, StringComparison.OrdinalIgnoreCase) || d.Title.Contains(nameFilter, StringComparison.OrdinalIgnoreCase));
        if (!string.IsNullOrWhiteSpace(tag))
            query = query.Where(d => d.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase));
        var all = query.OrderByDescending(d => d.UploadedAt).ToList();
        return Task.FromResult(new DocumentPage(all.Skip(skip).Take(take).ToList(), all.Count, skip, take));
    }

    public Task<long> GetCorpusVersionAsync() => Task.FromResult(state.State.CorpusVersion);

    public Task<IReadOnlyDictionary<string, int>> CountByCollectionAsync()
        => Task.FromResult<IReadOnlyDictionary<string, int>>(state.State.Documents.Values.GroupBy(d => d.Collection)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));

    public Task<IndexManifest> GetIndexManifestAsync()
        => Task.FromResult(new IndexManifest(state.State.CorpusVersion, state.State.Documents.Values
            .Select(d => (state.State.Indexed.GetValueOrDefault(d.DocumentId) ?? new IndexedDocument(d.DocumentId, d.Version, null))
                // The collection in force is the document's current one, whatever revision the indexes serve.
                with { CollectionId = d.Collection })
            .ToList()));

    /// <summary>The ready time is the revision: the document grain stamps the chunks it publishes with it.</summary>
    private static IndexedDocument Indexed(DocumentInfo info) => new(info.DocumentId, info.Version, info.UpdatedAt.UtcTicks);

    public Task<IReadOnlyList<string>> ListUnfinishedAsync()
        => Task.FromResult<IReadOnlyList<string>>(state.State.Documents.Values
            .Where(d => d.Status is not (DocumentStatus.Ready or DocumentStatus.Failed or DocumentStatus.Deleted))
            .Select(d => d.DocumentId).ToList());
}
