using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace KnowledgeBase.Grains.Retrieval.Chroma;

/// <summary>A small typed client of ChromaDB's REST API v2 (tenants, databases, collections, records). Transient
/// failures are retried by the resilience handler of its HttpClient (see <see cref="ChromaServiceCollectionExtensions"/>);
/// what still fails for lack of a server surfaces as <see cref="VectorStoreUnavailableException"/>, a request Chroma
/// refuses as <see cref="ChromaException"/>. Writes larger than the server's max batch size go in several requests.</summary>
public sealed class ChromaClient(HttpClient http)
{
    private const string Api = "api/v2";
    private int _maxBatchSize;

    public Uri? BaseAddress => http.BaseAddress;

    public async Task<string> VersionAsync(CancellationToken cancellationToken = default)
        => await SendAsync<string>(HttpMethod.Get, $"{Api}/version", null, cancellationToken) ?? "";

    /// <summary>The largest number of records one add/upsert/delete request may carry (pre-flight-checks), asked once.</summary>
    public async Task<int> MaxBatchSizeAsync(CancellationToken cancellationToken = default)
    {
        if (_maxBatchSize > 0) return _maxBatchSize;
        var checklist = await SendAsync<ChromaWire.Checklist>(HttpMethod.Get, $"{Api}/pre-flight-checks", null, cancellationToken);
        return _maxBatchSize = checklist?.MaxBatchSize > 0 ? checklist.MaxBatchSize : 1000;
    }

    /// <summary>Creates the tenant unless it exists. Chroma requires 3 to 512 characters.</summary>
    public async Task EnsureTenantAsync(string tenant, CancellationToken cancellationToken = default)
    {
        ValidateName(tenant, nameof(tenant));
        if (await ExistsAsync($"{Api}/tenants/{Escape(tenant)}", cancellationToken)) return;
        await CreateIgnoringConflictAsync($"{Api}/tenants", new ChromaWire.NamePayload(tenant), cancellationToken);
    }

    /// <summary>Creates the database in the tenant unless it exists.</summary>
    public async Task EnsureDatabaseAsync(string tenant, string database, CancellationToken cancellationToken = default)
    {
        ValidateName(database, nameof(database));
        if (await ExistsAsync($"{Api}/tenants/{Escape(tenant)}/databases/{Escape(database)}", cancellationToken)) return;
        await CreateIgnoringConflictAsync($"{Api}/tenants/{Escape(tenant)}/databases", new ChromaWire.NamePayload(database), cancellationToken);
    }

    /// <summary>The collection with this name, created (cosine space) if missing; its UUID addresses the record endpoints.</summary>
    public async Task<ChromaCollection> GetOrCreateCollectionAsync(string tenant, string database, string name,
        string space = "cosine", CancellationToken cancellationToken = default)
    {
        var configuration = new JsonObject { ["hnsw"] = new JsonObject { ["space"] = space } };
        var created = await SendAsync<ChromaWire.Collection>(HttpMethod.Post, $"{Api}/tenants/{Escape(tenant)}/databases/{Escape(database)}/collections",
            new ChromaWire.CreateCollection(name, true, configuration), cancellationToken)
            ?? throw new ChromaException(200, "empty", "create collection returned no body");
        return new ChromaCollection(created.Tenant, created.Database, created.Id, created.Name);
    }

    public async Task DeleteCollectionAsync(string tenant, string database, string collectionId, CancellationToken cancellationToken = default)
        => await SendAsync<JsonObject>(HttpMethod.Delete, $"{Api}/tenants/{Escape(tenant)}/databases/{Escape(database)}/collections/{Escape(collectionId)}",
            null, cancellationToken);

    public async Task<int> CountAsync(ChromaCollection collection, CancellationToken cancellationToken = default)
        => await SendAsync<int>(HttpMethod.Get, Path(collection, "count"), null, cancellationToken);

    public Task AddAsync(ChromaCollection collection, IReadOnlyList<ChromaRecord> records, CancellationToken cancellationToken = default)
        => WriteAsync(collection, "add", records, cancellationToken);

    /// <summary>Inserts or overwrites records by id, in batches of at most the server's max batch size.</summary>
    public Task UpsertAsync(ChromaCollection collection, IReadOnlyList<ChromaRecord> records, CancellationToken cancellationToken = default)
        => WriteAsync(collection, "upsert", records, cancellationToken);

    /// <summary>The <paramref name="count"/> nearest records to the embedding among those matching <paramref name="where"/>.</summary>
    public async Task<IReadOnlyList<ChromaMatch>> QueryAsync(ChromaCollection collection, ReadOnlyMemory<float> embedding, int count,
        ChromaWhere? where = null, bool includeDocuments = false, CancellationToken cancellationToken = default)
    {
        if (count <= 0) return [];
        string[] include = includeDocuments ? ["distances", "metadatas", "documents"] : ["distances", "metadatas"];
        var result = await SendAsync<ChromaWire.QueryResult>(HttpMethod.Post, Path(collection, "query"),
            new ChromaWire.Query([embedding.ToArray()], count, where?.Node, include), cancellationToken);
        if (result is null || result.Ids.Count == 0) return [];
        var ids = result.Ids[0];
        var matches = new List<ChromaMatch>(ids.Count);
        for (var i = 0; i < ids.Count; i++)
            matches.Add(new ChromaMatch(ids[i], ChromaWire.Metadata(result.Metadatas?[0][i]), result.Documents?[0][i], result.Distances?[0][i]));
        return matches;
    }

    /// <summary>Records by id and/or metadata filter (without embeddings).</summary>
    public async Task<IReadOnlyList<ChromaMatch>> GetAsync(ChromaCollection collection, IReadOnlyList<string>? ids = null,
        ChromaWhere? where = null, int? limit = null, int? offset = null, CancellationToken cancellationToken = default)
    {
        var result = await SendAsync<ChromaWire.GetResult>(HttpMethod.Post, Path(collection, "get"),
            new ChromaWire.Get(ids, where?.Node, limit, offset, ["metadatas", "documents"]), cancellationToken);
        if (result is null) return [];
        return result.Ids.Select((id, i) => new ChromaMatch(id, ChromaWire.Metadata(result.Metadatas?[i]), result.Documents?[i], null)).ToList();
    }

    /// <summary>Sets the metadata of existing records by id (batched); their embeddings stay as they are.</summary>
    public async Task UpdateMetadataAsync(ChromaCollection collection, IReadOnlyList<(string Id, IReadOnlyDictionary<string, object> Metadata)> records,
        CancellationToken cancellationToken = default)
    {
        if (records.Count == 0) return;
        var batch = await MaxBatchSizeAsync(cancellationToken);
        foreach (var chunk in records.Chunk(batch))
            await SendAsync<JsonNode>(HttpMethod.Post, Path(collection, "update"),
                new ChromaWire.UpdateMetadata(chunk.Select(r => r.Id).ToList(), chunk.Select(r => r.Metadata).ToList()), cancellationToken);
    }

    /// <summary>Deletes records by id (batched) and/or by metadata filter. With neither, nothing is deleted.</summary>
    public async Task DeleteAsync(ChromaCollection collection, IReadOnlyList<string>? ids = null, ChromaWhere? where = null,
        CancellationToken cancellationToken = default)
    {
        if (ids is null && where is null) return;
        if (ids is null)
        {
            await SendAsync<JsonNode>(HttpMethod.Post, Path(collection, "delete"), new ChromaWire.Delete(null, where!.Node), cancellationToken);
            return;
        }
        var batch = await MaxBatchSizeAsync(cancellationToken);
        foreach (var chunk in ids.Chunk(batch))
            await SendAsync<JsonNode>(HttpMethod.Post, Path(collection, "delete"), new ChromaWire.Delete(chunk, where?.Node), cancellationToken);
    }

    private async Task WriteAsync(ChromaCollection collection, string operation, IReadOnlyList<ChromaRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0) return;
        var batch = await MaxBatchSizeAsync(cancellationToken);
        foreach (var chunk in records.Chunk(batch))
        {
            var payload = new ChromaWire.Records(
                chunk.Select(r => r.Id).ToList(),
                chunk.Select(r => MemoryMarshal.TryGetArray(r.Embedding, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                    ? segment.Array : r.Embedding.ToArray()).ToList(),
                chunk.Any(r => r.Metadata is not null) ? chunk.Select(r => r.Metadata).ToList() : null,
                chunk.Any(r => r.Document is not null) ? chunk.Select(r => r.Document).ToList() : null);
            await SendAsync<JsonNode>(HttpMethod.Post, Path(collection, operation), payload, cancellationToken);
        }
    }

    private async Task<bool> ExistsAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync<JsonNode>(HttpMethod.Get, path, null, cancellationToken);
            return true;
        }
        catch (ChromaException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    private async Task CreateIgnoringConflictAsync(string path, object payload, CancellationToken cancellationToken)
    {
        try { await SendAsync<JsonNode>(HttpMethod.Post, path, payload, cancellationToken); }
        catch (ChromaException ex) when (ex.Status == 409) { /* created meanwhile by another silo */ }
    }

    private async Task<T?> SendAsync<T>(HttpMethod method, string path, object? payload, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (payload is not null) request.Content = JsonContent.Create(payload, payload.GetType(), options: ChromaWire.Json);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            throw Unavailable(ex.Message, ex);
        }
        using (response)
        {
            if (response.IsSuccessStatusCode)
                return response.Content.Headers.ContentLength == 0 ? default : await response.Content.ReadFromJsonAsync<T>(ChromaWire.Json, cancellationToken);
            var status = (int)response.StatusCode;
            ChromaWire.ErrorBody? error = null;
            try { error = await response.Content.ReadFromJsonAsync<ChromaWire.ErrorBody>(ChromaWire.Json, cancellationToken); }
            catch (System.Text.Json.JsonException) { }
            if (status >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout)
                throw Unavailable($"HTTP {status} {error?.Message}", null);
            throw new ChromaException(status, error?.Error ?? response.ReasonPhrase ?? "", error?.Message ?? "");
        }
    }

    private VectorStoreUnavailableException Unavailable(string reason, Exception? inner)
        => new($"ChromaDB at {http.BaseAddress} is unavailable: {reason}", inner);

    /// <summary>Connection failures, timeouts and an open circuit are the server's absence; the caller's own
    /// cancellation is not.</summary>
    private static bool IsUnavailable(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        HttpRequestException or BrokenCircuitException or TimeoutRejectedException or IOException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private static string Path(ChromaCollection c, string operation)
        => $"{Api}/tenants/{Escape(c.Tenant)}/databases/{Escape(c.Database)}/collections/{Escape(c.Id)}/{operation}";

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static void ValidateName(string name, string parameter)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length is < 3 or > 512)
            throw new ArgumentException($"Chroma {parameter} names need 3 to 512 characters (got '{name}').", parameter);
    }
}
