using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace KnowledgeBase.Grains.Retrieval.Chroma;

/// <summary>A collection as the record endpoints address it: by tenant, database and UUID (not by name).</summary>
public sealed record ChromaCollection(string Tenant, string Database, string Id, string Name);

/// <summary>One stored record. Metadata values are strings, whole numbers, numbers or booleans (Chroma 1.0 has no lists).</summary>
public sealed record ChromaRecord(
    string Id,
    ReadOnlyMemory<float> Embedding,
    IReadOnlyDictionary<string, object>? Metadata = null,
    string? Document = null);

/// <summary>A record read back by get or query; <see cref="Distance"/> is set for query results only.</summary>
public sealed record ChromaMatch(string Id, IReadOnlyDictionary<string, object> Metadata, string? Document, float? Distance);

/// <summary>A metadata filter (Chroma's `where`), built from typed operators so that no caller writes JSON by hand.</summary>
public sealed class ChromaWhere
{
    private ChromaWhere(JsonObject node) => Node = node;

    internal JsonObject Node { get; }

    public static ChromaWhere Eq(string key, object value) => Operator(key, "$eq", value);
    public static ChromaWhere Ne(string key, object value) => Operator(key, "$ne", value);
    public static ChromaWhere Gt(string key, object value) => Operator(key, "$gt", value);
    public static ChromaWhere Gte(string key, object value) => Operator(key, "$gte", value);
    public static ChromaWhere Lt(string key, object value) => Operator(key, "$lt", value);
    public static ChromaWhere Lte(string key, object value) => Operator(key, "$lte", value);

    public static ChromaWhere In(string key, IEnumerable<object> values)
        => new(new JsonObject { [key] = new JsonObject { ["$in"] = new JsonArray(values.Select(Value).ToArray()) } });

    /// <summary>All of the filters; a single filter is returned as is (Chroma rejects $and with fewer than two).</summary>
    public static ChromaWhere And(params ChromaWhere[] filters) => Combine("$and", filters);

    /// <summary>Any of the filters; a single filter is returned as is.</summary>
    public static ChromaWhere Or(params ChromaWhere[] filters) => Combine("$or", filters);

    public override string ToString() => Node.ToJsonString();

    private static ChromaWhere Operator(string key, string op, object value)
        => new(new JsonObject { [key] = new JsonObject { [op] = Value(value) } });

    private static ChromaWhere Combine(string op, ChromaWhere[] filters)
    {
        if (filters.Length == 0) throw new ArgumentException("At least one filter is needed.", nameof(filters));
        if (filters.Length == 1) return filters[0];
        return new(new JsonObject { [op] = new JsonArray(filters.Select(f => (JsonNode)f.Node.DeepClone()).ToArray()) });
    }

    private static JsonNode? Value(object value) => value switch
    {
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        float f => JsonValue.Create(f),
        double d => JsonValue.Create(d),
        _ => throw new ArgumentException($"Chroma metadata values are strings, numbers or booleans, not {value.GetType().Name}."),
    };
}

/// <summary>Chroma answered with an error that retrying will not fix (a bad request, a missing collection).</summary>
public sealed class ChromaException(int status, string error, string message)
    : Exception($"ChromaDB {status} {error}: {message}")
{
    public int Status { get; } = status;
    public string Error { get; } = error;
}

/// <summary>The wire shapes of the REST v2 API (snake_case), as /openapi.json of Chroma 1.0.0 describes them.</summary>
internal static class ChromaWire
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public sealed record NamePayload(string Name);

    public sealed record CreateCollection(string Name, bool GetOrCreate, JsonObject? Configuration);

    public sealed record Collection(string Id, string Name, string Tenant, string Database);

    public sealed record Checklist(int MaxBatchSize);

    public sealed record ErrorBody(string? Error, string? Message);

    public sealed record Records(
        IReadOnlyList<string> Ids,
        IReadOnlyList<float[]> Embeddings,
        IReadOnlyList<IReadOnlyDictionary<string, object>?>? Metadatas,
        IReadOnlyList<string?>? Documents);

    public sealed record Query(
        IReadOnlyList<float[]> QueryEmbeddings,
        int NResults,
        JsonObject? Where,
        IReadOnlyList<string> Include);

    public sealed record Get(IReadOnlyList<string>? Ids, JsonObject? Where, int? Limit, int? Offset, IReadOnlyList<string> Include);

    public sealed record Delete(IReadOnlyList<string>? Ids, JsonObject? Where);

    public sealed record UpdateMetadata(IReadOnlyList<string> Ids, IReadOnlyList<IReadOnlyDictionary<string, object>> Metadatas);

    public sealed record QueryResult(
        List<List<string>> Ids,
        List<List<float?>>? Distances,
        List<List<Dictionary<string, JsonElement>?>>? Metadatas,
        List<List<string?>>? Documents);

    public sealed record GetResult(
        List<string> Ids,
        List<Dictionary<string, JsonElement>?>? Metadatas,
        List<string?>? Documents);

    public static IReadOnlyDictionary<string, object> Metadata(Dictionary<string, JsonElement>? raw)
    {
        if (raw is null) return new Dictionary<string, object>();
        var result = new Dictionary<string, object>(raw.Count, StringComparer.Ordinal);
        foreach (var (key, value) in raw)
        {
            object? converted = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString()!,
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number when value.TryGetInt64(out var l) => l,
                JsonValueKind.Number => value.GetDouble(),
                _ => null,
            };
            if (converted is not null) result[key] = converted;
        }
        return result;
    }
}
