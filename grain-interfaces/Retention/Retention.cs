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
