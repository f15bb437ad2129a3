namespace KnowledgeBase.BrowserTests.Infrastructure;

/// <summary>Where the tests save screenshots: artifacts/screenshots under the repository (git-ignored), or KB_SCREENSHOT_DIR.</summary>
public static class Screenshots
{
    public static string Dir
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("KB_SCREENSHOT_DIR") is { Length: > 0 } env
                ? env
                : Path.Combine(KnowledgeBase.Tests.Infrastructure.TestData.RepoRoot, "artifacts", "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }
}
