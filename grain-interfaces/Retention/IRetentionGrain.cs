namespace KnowledgeBase.Contracts;

/// <summary>Enforces CHAT_RETENTION_DAYS and QUERY_LOG_RETENTION_DAYS once a day (single activation, key "all").</summary>
[Alias("kb.IRetentionGrain")]
public interface IRetentionGrain : IGrainWithStringKey
{
    /// <summary>Registers the daily reminder when a retention is set (and removes it when none is).</summary>
    [Alias("Start")]
    Task StartAsync();

    /// <summary>One run now, as the reminder does it.</summary>
    [Alias("Run"), ResponseTimeout("00:30:00")]
    Task<RetentionReport> RunAsync();
}
