namespace KnowledgeBase.Contracts;

/// <summary>What one retention run removed: conversations (with their turns), turns of conversations that go on, and
/// query-log lines (whole days' files count all their lines).</summary>
[GenerateSerializer, Immutable, Alias("kb.RetentionReport")]
public sealed record RetentionReport(
    [property: Id(0)] int ConversationsDeleted,
    [property: Id(1)] int TurnsDeleted,
    [property: Id(2)] int QueryLogLinesRemoved,
    [property: Id(3)] DateTimeOffset RanAt)
{
    public static RetentionReport Empty(DateTimeOffset at) => new(0, 0, 0, at);

    public RetentionReport Add(RetentionReport other)
        => this with { ConversationsDeleted = ConversationsDeleted + other.ConversationsDeleted, TurnsDeleted = TurnsDeleted + other.TurnsDeleted,
            QueryLogLinesRemoved = QueryLogLinesRemoved + other.QueryLogLinesRemoved };
}

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

/// <summary>The query log of one silo (keyed by the silo's address, and placed on that silo).</summary>
[Alias("kb.IQueryLogRetentionGrain")]
public interface IQueryLogRetentionGrain : IGrainWithStringKey
{
    /// <summary>Removes this silo's query-log lines older than <paramref name="cutoff"/>; the number removed.</summary>
    [Alias("Prune")]
    Task<int> PruneAsync(DateTimeOffset cutoff);
}
