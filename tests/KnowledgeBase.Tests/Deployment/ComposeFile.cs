using System.Text.RegularExpressions;

namespace KnowledgeBase.Tests.Deployment;

/// <summary>docker-compose.yml, parsed (anchors and merge keys resolved), with helpers for what the tests ask of it.</summary>
internal sealed class ComposeFile
{
    public const string FileName = "docker-compose.yml";

    public required string Text { get; init; }
    public required Dictionary<string, object?> Root { get; init; }

    public Dictionary<string, object?> Services => Yaml.MapAt(Root, "services");
    public Dictionary<string, object?> Service(string name) =>
        Yaml.Map(Services.GetValueOrDefault(name)) ?? throw new Xunit.Sdk.XunitException($"{FileName} has no service '{name}'.");

    public static ComposeFile Load() => new() { Text = Repo.Read(FileName), Root = Yaml.LoadFile(FileName) };

    /// <summary>The service's environment as written (list or map form).</summary>
    public static IReadOnlyDictionary<string, string> Environment(Dictionary<string, object?> service)
    {
        var node = service.GetValueOrDefault("environment");
        if (Yaml.Map(node) is { } map) return map.ToDictionary(kv => kv.Key, kv => Yaml.Str(kv.Value) ?? "");
        return Yaml.List(node).Select(e => Yaml.Str(e) ?? "").Select(e => e.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
    }

    /// <summary>What the container starts with: its image's ENV (when built here) overlaid by compose's environment.</summary>
    public IReadOnlyDictionary<string, string> EffectiveEnvironment(string serviceName)
    {
        var service = Service(serviceName);
        var env = new Dictionary<string, string>();
        var build = Yaml.MapAt(service, "build");
        if (Yaml.Str(build.GetValueOrDefault("dockerfile")) is { } dockerfile && Yaml.Str(build.GetValueOrDefault("target")) is { } target)
            foreach (var (k, v) in Dockerfile.Load(dockerfile).Target(target).Environment()) env[k] = v;
        foreach (var (k, v) in Environment(service)) env[k] = v;
        return env;
    }

    /// <summary>Every ${NAME...} interpolation in the file, outside comment lines ($$ is a literal dollar, not one).</summary>
    public IEnumerable<Interpolation> Interpolations() =>
        Regex.Matches(string.Join('\n', Text.Split('\n').Where(l => !l.TrimStart().StartsWith('#'))).Replace("$$", ""), @"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}")
            .Select(m => new Interpolation(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value));

    public sealed record Interpolation(string Name, string Operator, string Argument);

    /// <summary>A value with its interpolations replaced by their defaults (or a stand-in), for parsing URLs.</summary>
    public static string Resolve(string value) =>
        Regex.Replace(value, @"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}",
            m => m.Groups[2].Value.EndsWith('-') ? m.Groups[3].Value : "x");

    public static IEnumerable<string> DependsOn(Dictionary<string, object?> service)
    {
        var node = service.GetValueOrDefault("depends_on");
        return Yaml.Map(node)?.Keys ?? Yaml.List(node).Select(d => Yaml.Str(d)!);
    }

    /// <summary>"60s", "1m30s" and the like, in seconds.</summary>
    public static double Duration(string text)
    {
        var total = 0.0;
        foreach (Match m in Regex.Matches(text, @"(\d+(?:\.\d+)?)(ms|h|m|s)"))
            total += double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * m.Groups[2].Value switch
            {
                "h" => 3600, "m" => 60, "s" => 1, _ => 0.001,
            };
        return total;
    }
}
