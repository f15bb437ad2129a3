namespace KnowledgeBase.Bench;

/// <summary>The settings a benchmark's api process runs with: its own folders under <c>root</c>, one admin, and no
/// quota or rate limit in the way of bulk uploads and sign-ins.</summary>
public static class BenchEnvironment
{
    public const string AdminEmail = "admin@soosan.com";

    public static Dictionary<string, string> ForApi(string root) => new()
    {
        ["DATA_DIR"] = Path.Combine(root, "data"),
        ["STORAGE_DIR"] = Path.Combine(root, "storage"),
        ["LOG_DIR"] = Path.Combine(root, "logs"),
        ["ADMIN_EMAILS"] = AdminEmail,
        // Tests and benchmarks upload as ordinary users, as before roles existed; the permission tests set editors.
        ["UPLOAD_POLICY"] = "everyone",
        // Tests and benchmarks upload in bulk; the quota has its own test (UploadQuotaTests).
        ["UPLOAD_QUOTA_PER_HOUR"] = "0",
        ["AUTH_RATE_LIMIT_PER_MINUTE"] = "100000",
        ["RATE_LIMIT_PER_MINUTE"] = "100000",
    };
}
