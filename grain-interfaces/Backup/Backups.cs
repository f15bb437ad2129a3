namespace KnowledgeBase.Contracts;

/// <summary>What a backup covers. The schedule takes each part at its own rhythm: database and documents daily, the
/// search index weekly, logs monthly.</summary>
[Flags, GenerateSerializer, Alias("kb.BackupParts")]
public enum BackupParts
{
    None = 0,
    Database = 1,
    Index = 2,
    Documents = 4,
    Logs = 8,
    All = Database | Index | Documents | Logs,
}

/// <summary>The outcome of one backup run: where it went, what it holds, and what was skipped and why.</summary>
[GenerateSerializer, Immutable, Alias("kb.BackupResult")]
public sealed record BackupResult(
    [property: Id(0)] string BackupId,
    [property: Id(1)] BackupParts Parts,
    [property: Id(2)] int Files,
    [property: Id(3)] int FilesCopied,
    [property: Id(4)] long BytesCopied,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] IReadOnlyList<string> Notes);

[GenerateSerializer, Immutable, Alias("kb.BackupStatus")]
public sealed record BackupStatus(
    [property: Id(0)] bool Scheduled,
    [property: Id(1)] string? Target,
    [property: Id(2)] IReadOnlyDictionary<BackupParts, DateTimeOffset> LastSuccess,
    [property: Id(3)] BackupResult? LastResult,
    [property: Id(4)] string? LastError,
    [property: Id(5)] DateTimeOffset? LastErrorAt);
