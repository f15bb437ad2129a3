namespace KnowledgeBase.Tests.Infrastructure;

/// <summary>Finds the repository root and the shared Korean data set beside it (../shared/data).</summary>
public static class TestData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SharedData { get; } = FindSharedData();

    public static string LaborLaw(string fileName) => Path.Combine(SharedData, "labor-law", fileName);

    public static string KorQuad(string fileName) => Path.Combine(SharedData, "korquad", fileName);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Cluster.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cluster.sln not found above " + AppContext.BaseDirectory);
    }

    private static string FindSharedData()
    {
        var env = Environment.GetEnvironmentVariable("KB_SHARED_DATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
        var candidate = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));
        if (Directory.Exists(candidate)) return candidate;
        throw new InvalidOperationException($"Shared data not found at {candidate}; set KB_SHARED_DATA.");
    }
}
