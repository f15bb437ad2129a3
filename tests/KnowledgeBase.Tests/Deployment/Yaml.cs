using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace KnowledgeBase.Tests.Deployment;

/// <summary>YAML read into plain maps, lists and strings, with `<<: *anchor` merges applied as docker compose does.</summary>
internal static class Yaml
{
    public static Dictionary<string, object?> LoadFile(string relative) => LoadString(Repo.Read(relative));

    public static Dictionary<string, object?> LoadString(string text)
    {
        var parser = new MergingParser(new Parser(new StringReader(text)));
        var graph = new DeserializerBuilder().Build().Deserialize(parser);
        return Map(Normalize(graph)) ?? throw new InvalidDataException("The YAML document is empty.");
    }

    public static Dictionary<string, object?>? Map(object? node) => node as Dictionary<string, object?>;

    public static List<object?> List(object? node) => node as List<object?> ?? [];

    public static Dictionary<string, object?> MapAt(Dictionary<string, object?> map, string key) =>
        Map(map.GetValueOrDefault(key)) ?? [];

    public static string? Str(object? node) => node as string;

    private static object? Normalize(object? node) => node switch
    {
        IDictionary<object, object?> map => map.ToDictionary(kv => Convert.ToString(kv.Key)!, kv => Normalize(kv.Value)),
        IList<object?> list => list.Select(Normalize).ToList(),
        _ => node,
    };
}
