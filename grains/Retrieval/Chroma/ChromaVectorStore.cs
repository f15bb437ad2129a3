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
            return _collection = collection;
        }
        finally { _setup.Release(); }
    }
}
