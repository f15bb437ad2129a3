namespace KnowledgeBase.BrowserTests.Infrastructure;

/// <summary>The repository root and the shared Korean data set beside it (../shared/data), found as the api tests find them.</summary>
public static class TestData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string LaborLaw(string fileName) => Path.Combine(FindSharedData(), "labor-law", fileName);

    /// <summary>Where the tests save screenshots: artifacts/screenshots under the repository (git-ignored).</summary>
    public static string ScreenshotDir
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("KB_SCREENSHOT_DIR") is { Length: > 0 } env ? env : Path.Combine(RepoRoot, "artifacts", "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

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
