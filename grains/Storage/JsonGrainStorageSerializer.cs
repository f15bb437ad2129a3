using System.Text.Json;
using Orleans.Storage;

namespace KnowledgeBase.Grains.Storage;

/// <summary>Grain state as plain System.Text.Json: readable in the database (Korean stays Korean, not \uXXXX escapes,
/// which also halves the bytes of stored conversations), no type names, so renames never break stored data.</summary>
public sealed class JsonGrainStorageSerializer : IGrainStorageSerializer
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    public BinaryData Serialize<T>(T? input) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>(Options)!;
}
