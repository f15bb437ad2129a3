using Microsoft.Extensions.Logging;
using Orleans.Utilities;

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
    [PersistentState("catalog", "kb")] IPersistentState<DocumentCatalogState> state,
    ILogger<DocumentCatalogGrain> logger) : Grain, IDocumentCatalogGrain
{
    /// <summary>How long a silo's subscription lasts unless renewed (the replicators renew well within it).</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(3);

    private readonly ObserverManager<ICorpusObserver> _observers = new(SubscriptionLifetime, logger);

    public async Task UpsertAsync(DocumentInfo info)
    {
        var previous = state.State.Documents.GetValueOrDefault(info.DocumentId);
        state.State.Documents[info.DocumentId] = info;
        var changed = info.Status == DocumentStatus.Ready && (previous is null || previous.Status != DocumentStatus.Ready || previous.Version != info.Version);
        if (changed)
        {
            state.State.CorpusVersion++;
            state.State.Indexed[info.DocumentId] = Indexed(info);
        }
        await state.WriteStateAsync();
        if (changed) await NotifyAsync();
    }

    public async Task RemoveAsync(string documentId)
    {
        if (!state.State.Documents.Remove(documentId)) return;
        state.State.Indexed.Remove(documentId);
        state.State.CorpusVersion++;
        await state.WriteStateAsync();
        await NotifyAsync();
    }

    public Task SubscribeAsync(ICorpusObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    /// <summary>One-way calls: a silo that is gone costs nothing here, and its registration lapses.</summary>
    private Task NotifyAsync()
    {
        var version = state.State.CorpusVersion;
        return _observers.Notify(o => o.CorpusChangedAsync(version));
    }

    public Task<DocumentPage> ListAsync(int skip, int take, string? nameFilter, string? tag)
    {
        IEnumerable<DocumentInfo> query = state.State.Documents.Values;
        if (!string.IsNullOrWhiteSpace(nameFilter))
            query = query.Where(d => d.FileName.Contains(nameFilter, StringComparison.OrdinalIgnoreCase) || d.Title.Contains(nameFilter, StringComparison.OrdinalIgnoreCase));
        if (!string.IsNullOrWhiteSpace(tag))
            query = query.Where(d => d.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase));
        var all = query.OrderByDescending(d => d.UploadedAt).ToList();
        return Task.FromResult(new DocumentPage(all.Skip(skip).Take(take).ToList(), all.Count, skip, take));
    }

    public Task<long> GetCorpusVersionAsync() => Task.FromResult(state.State.CorpusVersion);

    public Task<IndexManifest> GetIndexManifestAsync()
        => Task.FromResult(new IndexManifest(state.State.CorpusVersion, state.State.Documents.Values
            .Select(d => state.State.Indexed.GetValueOrDefault(d.DocumentId) ?? new IndexedDocument(d.DocumentId, d.Version, null))
            .ToList()));

    /// <summary>The ready time is the revision: the document grain stamps the chunks it publishes with it.</summary>
    private static IndexedDocument Indexed(DocumentInfo info) => new(info.DocumentId, info.Version, info.UpdatedAt.UtcTicks);

    public Task<IReadOnlyList<string>> ListUnfinishedAsync()
        => Task.FromResult<IReadOnlyList<string>>(state.State.Documents.Values
            .Where(d => d.Status is not (DocumentStatus.Ready or DocumentStatus.Failed or DocumentStatus.Deleted))
            .Select(d => d.DocumentId).ToList());
}
