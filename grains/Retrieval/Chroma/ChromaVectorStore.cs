using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Grains.Retrieval.Chroma;

/// <summary>Chunk vectors in one ChromaDB collection shared by every silo. Record ids are chunk ids; metadata carries
/// document_id, version, title, section, collection_id (the 문서함 whose read list governs the chunk) and one boolean
/// `tag:{name}` key per tag (Chroma 1.0 metadata has no lists), so that tag and permission filters are a `where` on the
/// server, applied before it ranks.</summary>
public sealed class ChromaVectorStore(ChromaClient client, ChromaOptions options, ILogger<ChromaVectorStore> logger) : ISharedVectorStore
{
    public const string TagPrefix = "tag:";
    public const string CollectionKey = "collection_id";
    private readonly SemaphoreSlim _setup = new(1, 1);
    private ChromaCollection? _collection;
    private int _backfillStarted;

    /// <summary>Upserts the document's chunks, then deletes its records that are not among them (an older version's
    /// extra chunks). Searches in between may see new vectors for old text; chunk text always comes from the lexical index.</summary>
    public async Task ReplaceDocumentAsync(string documentId, int version, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken = default)
    {
        var collection = await CollectionAsync(cancellationToken);
        var records = chunks.Select((c, i) => new ChromaRecord(c.ChunkId, c.Embedding, Metadata(c, version, i))).ToList();
        await client.UpsertAsync(collection, records, cancellationToken);
        var current = chunks.Select(c => c.ChunkId).ToHashSet(StringComparer.Ordinal);
        var stored = await client.GetAsync(collection, where: ChromaWhere.Eq("document_id", documentId), cancellationToken: cancellationToken);
        var stale = stored.Select(m => m.Id).Where(id => !current.Contains(id)).ToList();
        if (stale.Count > 0) await client.DeleteAsync(collection, stale, cancellationToken: cancellationToken);
    }

    public async Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default)
    {
        var collection = await CollectionAsync(cancellationToken);
        await client.DeleteAsync(collection, where: ChromaWhere.Eq("document_id", documentId), cancellationToken: cancellationToken);
    }

    /// <summary>Metadata only: the vectors stay, so a move costs one get and one update of the document's records.</summary>
    public async Task MoveDocumentAsync(string documentId, string collectionId, CancellationToken cancellationToken = default)
    {
        var collection = await CollectionAsync(cancellationToken);
        var stored = await client.GetAsync(collection, where: ChromaWhere.Eq("document_id", documentId), cancellationToken: cancellationToken);
        var updates = stored.Select(m => (m.Id, (IReadOnlyDictionary<string, object>)new Dictionary<string, object>(m.Metadata, StringComparer.Ordinal)
        {
            [CollectionKey] = DefaultCollection.Of(collectionId),
        })).ToList();
        await client.UpdateMetadataAsync(collection, updates, cancellationToken);
    }

    public async Task<IReadOnlyList<(string ChunkId, string DocumentId, float Score)>> SearchAsync(ReadOnlyMemory<float> embedding,
        IReadOnlyList<string>? tags, IReadOnlyCollection<string>? collections, int count, CancellationToken cancellationToken = default)
    {
        if (collections is { Count: 0 }) return [];
        var collection = await CollectionAsync(cancellationToken);
        var tagFilter = tags is { Count: > 0 } ? ChromaWhere.Or(tags.Distinct(StringComparer.Ordinal).Select(t => ChromaWhere.Eq(TagPrefix + t, true)).ToArray()) : null;
        var collectionFilter = collections is null ? null : ChromaWhere.In(CollectionKey, collections.Distinct(StringComparer.Ordinal).Cast<object>());
        var where = tagFilter is not null && collectionFilter is not null ? ChromaWhere.And(tagFilter, collectionFilter) : tagFilter ?? collectionFilter;
        var matches = await client.QueryAsync(collection, embedding, count, where, cancellationToken: cancellationToken);
        // Cosine distance is 1 - cosine similarity, the score the local vector index reports.
        return matches.Select(m => (m.Id, m.Metadata.TryGetValue("document_id", out var d) ? (string)d : "", 1f - (m.Distance ?? 1f))).ToList();
    }

    private static Dictionary<string, object> Metadata(IndexedChunk chunk, int version, int index)
    {
        var metadata = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["document_id"] = chunk.DocumentId,
            ["version"] = version,
            ["chunk_index"] = index,
            ["file_name"] = chunk.FileName,
            ["title"] = chunk.Title,
            ["section"] = chunk.Section,
            ["tags"] = string.Join(",", chunk.Tags),
            [CollectionKey] = chunk.Collection,
        };
        if (chunk.Page is { } page) metadata["page"] = page;
        foreach (var tag in chunk.Tags) metadata[TagPrefix + tag] = true;
        return metadata;
    }

    /// <summary>Records written before collections existed have no collection_id, so a filtered query would leave them
    /// out; every document was in the default collection then (a move writes the key), so they get it. Runs once per
    /// process in the background, page by page, and only writes records that lack the key.</summary>
    public async Task<int> BackfillCollectionsAsync(CancellationToken cancellationToken)
    {
        const int page = 1000;
        var updated = 0;
        Interlocked.Exchange(ref _backfillStarted, 1);
        try
        {
            var collection = await CollectionAsync(cancellationToken);
            for (var offset = 0; ; offset += page)
            {
                var records = await client.GetAsync(collection, limit: page, offset: offset, cancellationToken: cancellationToken);
                var missing = records.Where(r => !r.Metadata.ContainsKey(CollectionKey)).Select(r => (r.Id,
                    (IReadOnlyDictionary<string, object>)new Dictionary<string, object>(r.Metadata, StringComparer.Ordinal) { [CollectionKey] = DefaultCollection.Id })).ToList();
                await client.UpdateMetadataAsync(collection, missing, cancellationToken);
                updated += missing.Count;
                if (records.Count < page) break;
            }
            if (updated > 0) logger.LogInformation("Put {Count} vectors stored before collections existed in the default collection", updated);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Marking older vectors with the default collection failed; filtered queries leave them out until the next start");
        }
        return updated;
    }

    /// <summary>Tenant, database and collection are made sure of once; a failure is retried by the next call.</summary>
    private async Task<ChromaCollection> CollectionAsync(CancellationToken cancellationToken)
    {
        if (_collection is { } ready) return ready;
        await _setup.WaitAsync(cancellationToken);
        try
        {
            if (_collection is { } raced) return raced;
            await client.EnsureTenantAsync(options.Tenant, cancellationToken);
            await client.EnsureDatabaseAsync(options.Tenant, options.Database, cancellationToken);
            var collection = await client.GetOrCreateCollectionAsync(options.Tenant, options.Database, options.Collection, cancellationToken: cancellationToken);
            logger.LogInformation("Vectors in ChromaDB {Url} {Tenant}/{Database}/{Collection} ({Id})",
                client.BaseAddress, collection.Tenant, collection.Database, collection.Name, collection.Id);
            _collection = collection;
            if (Interlocked.Exchange(ref _backfillStarted, 1) == 0) _ = BackfillCollectionsAsync(CancellationToken.None);
            return collection;
        }
        finally { _setup.Release(); }
    }
}
