namespace KnowledgeBase.Grains;

/// <summary>The whole list of documents with their latest final status, in memory; each change is stored in the slice
/// (<see cref="DocumentCatalogShardGrain"/>) of the document it touched. The corpus version changes whenever what a
/// search can find changes, so caches keyed by it never serve answers from an old corpus; each such change is pushed to
/// every silo's index replica.</summary>
public sealed class DocumentCatalogGrain : Grain, IDocumentCatalogGrain
{
    /// <summary>How many slices the catalog is stored in: at 20,000 documents a write stores about 160 entries.</summary>
    public const int Shards = 128;

    private readonly Dictionary<string, DocumentInfo> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IndexedDocument> _indexed = new(StringComparer.Ordinal);
    private long _corpusVersion;
    // Newest upload first; rebuilt on the first list after a change, so paging does not sort on every request.
    private List<DocumentInfo>? _newestFirst;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var slices = await Task.WhenAll(Enumerable.Range(0, Shards).Select(i => Shard(i).LoadAsync()));
        foreach (var slice in slices)
        {
            foreach (var info in slice.Documents) _documents[info.DocumentId] = info;
            foreach (var indexed in slice.Indexed) _indexed[indexed.DocumentId] = indexed;
            _corpusVersion = Math.Max(_corpusVersion, slice.CorpusVersion);
        }
    }

    /// <summary>The slice a document is stored in: a stable hash of its id (string.GetHashCode differs per process).</summary>
    public static int ShardOf(string documentId)
    {
        var hash = 2166136261u;
        foreach (var c in documentId) hash = (hash ^ c) * 16777619u;
        return (int)(hash % Shards);
    }

    private IDocumentCatalogShardGrain Shard(int index) => GrainFactory.GetGrain<IDocumentCatalogShardGrain>(index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public async Task UpsertAsync(DocumentInfo info)
    {
        var previous = _documents.GetValueOrDefault(info.DocumentId);
        var previousVersion = _corpusVersion;
        var changed = false;
        if (info.Status == DocumentStatus.Ready && (previous is null || previous.Status != DocumentStatus.Ready || previous.Version != info.Version))
        {
            _indexed[info.DocumentId] = Indexed(info);
            changed = true;
        }
        else if (previous is not null && previous.Collection != info.Collection)
        {
            // A move changes what each silo's index must filter: a new corpus version, pushed to every silo.
            changed = true;
        }
        var version = changed ? _corpusVersion + 1 : _corpusVersion;
        var indexed = _indexed.GetValueOrDefault(info.DocumentId);
        await Shard(ShardOf(info.DocumentId)).PutAsync(info, indexed, version);
        _documents[info.DocumentId] = info;
        _corpusVersion = version;
        _newestFirst = null;
        if (changed) await PublishAsync(new CorpusChange(version, previousVersion, info.DocumentId, ManifestEntry(info)));
    }

    /// <summary>Tells every silo (through the permissions grain's observers) what changed; a silo the push misses notices
    /// the gap at the next push or its next poll and reads the whole manifest.</summary>
    private Task PublishAsync(CorpusChange change) => GrainFactory.GetGrain<IPermissionsGrain>("all").PublishCorpusChangedAsync(change);

    public async Task RemoveAsync(string documentId)
    {
        if (!_documents.ContainsKey(documentId)) return;
        var previousVersion = _corpusVersion;
        await Shard(ShardOf(documentId)).RemoveAsync(documentId, previousVersion + 1);
        _documents.Remove(documentId);
        _indexed.Remove(documentId);
        _corpusVersion = previousVersion + 1;
        _newestFirst = null;
        await PublishAsync(new CorpusChange(_corpusVersion, previousVersion, documentId, null));
    }

    public Task<DocumentPage> ListAsync(int skip, int take, string? nameFilter, string? tag) => ListInAsync(skip, take, nameFilter, tag, null, null);

    public Task<DocumentPage> ListInAsync(int skip, int take, string? nameFilter, string? tag, IReadOnlyList<string>? collections, string? collectionId)
    {
        _newestFirst ??= _documents.Values.OrderByDescending(d => d.UploadedAt).ThenBy(d => d.DocumentId, StringComparer.Ordinal).ToList();
        IEnumerable<DocumentInfo> query = _newestFirst;
        var filtered = false;
        if (collections is not null)
        {
            var readable = collections.ToHashSet(StringComparer.Ordinal);
            query = query.Where(d => readable.Contains(d.Collection));
            filtered = true;
        }
        if (!string.IsNullOrEmpty(collectionId))
        {
            query = query.Where(d => d.Collection == collectionId);
            filtered = true;
        }
        if (!string.IsNullOrWhiteSpace(nameFilter))
        {
            query = query.Where(d => d.FileName.Contains(nameFilter, StringComparison.OrdinalIgnoreCase) || d.Title.Contains(nameFilter, StringComparison.OrdinalIgnoreCase));
            filtered = true;
        }
        if (!string.IsNullOrWhiteSpace(tag))
        {
            query = query.Where(d => d.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase));
            filtered = true;
        }
        if (!filtered)
            return Task.FromResult(new DocumentPage(_newestFirst.Skip(skip).Take(take).ToList(), _newestFirst.Count, skip, take));
        var total = 0;
        var items = new List<DocumentInfo>(Math.Min(take, 256));
        foreach (var document in query)
        {
            if (total >= skip && items.Count < take) items.Add(document);
            total++;
        }
        return Task.FromResult(new DocumentPage(items, total, skip, take));
    }

    public Task<long> GetCorpusVersionAsync() => Task.FromResult(_corpusVersion);

    public Task<IReadOnlyDictionary<string, int>> CountByCollectionAsync()
        => Task.FromResult<IReadOnlyDictionary<string, int>>(_documents.Values.GroupBy(d => d.Collection)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));

    public Task<IndexManifest> GetIndexManifestAsync()
        => Task.FromResult(new IndexManifest(_corpusVersion, _documents.Values.Select(ManifestEntry).ToList()));

    /// <summary>What the indexes should hold of a document: its last ready revision (or none yet) in the collection in
    /// force, which is the document's current one whatever revision the indexes serve.</summary>
    private IndexedDocument ManifestEntry(DocumentInfo info)
        => (_indexed.GetValueOrDefault(info.DocumentId) ?? new IndexedDocument(info.DocumentId, info.Version, null)) with { CollectionId = info.Collection };

    /// <summary>The ready time is the revision: the document grain stamps the chunks it publishes with it.</summary>
    private static IndexedDocument Indexed(DocumentInfo info) => new(info.DocumentId, info.Version, info.UpdatedAt.UtcTicks);

    public Task<IReadOnlyList<string>> ListUnfinishedAsync()
        => Task.FromResult<IReadOnlyList<string>>(_documents.Values
            .Where(d => d.Status is not (DocumentStatus.Ready or DocumentStatus.Failed or DocumentStatus.Deleted))
            .Select(d => d.DocumentId).ToList());
}
