using System.Text.RegularExpressions;

namespace KnowledgeBase.Tests.Deployment;

/// <summary>Files of the repository under test, found from the test binaries by walking up to Cluster.sln.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.GetFullPath(Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar)));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    public static bool Exists(string relative) => File.Exists(PathOf(relative)) || Directory.Exists(PathOf(relative));

    /// <summary>C# sources of the product (not tests), without build output.</summary>
    public static IEnumerable<string> ProductSources() =>
        new[] { "api", "silo", "grains", "grain-interfaces" }
            .SelectMany(dir => Directory.EnumerateFiles(PathOf(dir), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));

    /// <summary>The fallback a `KnowledgeBaseSettings.Int(config, "NAME", 8081, ...)` call uses, read from the source.</summary>
    public static int IntDefault(string relativeSource, string variable)
    {
        var match = Regex.Match(Read(relativeSource), $@"""{Regex.Escape(variable)}""\s*,\s*(\d+)");
        Assert.True(match.Success, $"{relativeSource} no longer reads {variable} with a literal default; update the deployment tests.");
        return int.Parse(match.Groups[1].Value);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Cluster.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cluster.sln not found above " + AppContext.BaseDirectory);
    }
}
