namespace KnowledgeBase.Grains.Hosting;

/// <summary>REDIS_URL (redis://[:password@]host:port[/db], rediss:// for TLS, or a StackExchange.Redis string) as a
/// StackExchange.Redis configuration string.</summary>
public static class RedisUrl
{
    public static string ToConfiguration(string url)
    {
        if (!url.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) && !url.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
            return url;
        var uri = new Uri(url);
        var parts = new List<string> { $"{uri.Host}:{(uri.Port > 0 ? uri.Port : 6379)}" };
        var userInfo = Uri.UnescapeDataString(uri.UserInfo);
        if (userInfo.Length > 0)
        {
            var split = userInfo.Split(':', 2);
            if (split.Length == 2 && split[0].Length > 0) parts.Add("user=" + split[0]);
            parts.Add("password=" + (split.Length == 2 ? split[1] : split[0]));
        }
        if (uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase)) parts.Add("ssl=true");
        if (int.TryParse(uri.AbsolutePath.Trim('/'), out var db)) parts.Add("defaultDatabase=" + db);
        parts.Add("abortConnect=false");
        return string.Join(',', parts);
    }
}
