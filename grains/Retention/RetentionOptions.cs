using KnowledgeBase.Grains.Hosting;
using Microsoft.Extensions.Configuration;

namespace KnowledgeBase.Grains.Retention;

/// <summary>How long chat history and query logs are kept (CHAT_RETENTION_DAYS, QUERY_LOG_RETENTION_DAYS; unset = kept).</summary>
public sealed class RetentionOptions
{
    public int? ChatDays { get; set; }
    public int? QueryLogDays { get; set; }

    public bool Enabled => ChatDays is not null || QueryLogDays is not null;

    public static void Bind(IConfiguration config, RetentionOptions o)
    {
        o.ChatDays = Days(config, "CHAT_RETENTION_DAYS", KnowledgeBaseSettings.Int(config, "CHAT_RETENTION_DAYS", 0, 1, MaxDays));
        o.QueryLogDays = Days(config, "QUERY_LOG_RETENTION_DAYS", KnowledgeBaseSettings.Int(config, "QUERY_LOG_RETENTION_DAYS", 0, 1, MaxDays));
    }

    /// <summary>A hundred years: "keep" is said by leaving the variable unset.</summary>
    public const int MaxDays = 36_500;

    private static int? Days(IConfiguration config, string name, int value) => string.IsNullOrWhiteSpace(config[name]) ? null : value;
}
