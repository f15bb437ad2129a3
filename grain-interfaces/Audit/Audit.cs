namespace KnowledgeBase.Contracts;

/// <summary>One security-relevant action to record: who (user id and e-mail, or "anonymous"/"system"), from where
/// (the client address), what (an <c>AuditActions</c> name), on what, and a short detail. No secrets, no document text.</summary>
[GenerateSerializer, Immutable, Alias("kb.AuditEvent")]
public sealed record AuditEvent(
    [property: Id(0)] string ActorId,
    [property: Id(1)] string ActorEmail,
    [property: Id(2)] string Address,
    [property: Id(3)] string Action,
    [property: Id(4)] string Target,
    [property: Id(5)] string Detail);

/// <summary>A stored audit entry: the event, its place in the chain and its time, the previous entry's hash and its
/// own hash (SHA-256 over all of these), so a changed, removed or inserted entry breaks the chain.</summary>
[GenerateSerializer, Immutable, Alias("kb.AuditEntry")]
public sealed record AuditEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTimeOffset OccurredAt,
    [property: Id(2)] string ActorId,
    [property: Id(3)] string ActorEmail,
    [property: Id(4)] string Address,
    [property: Id(5)] string Action,
    [property: Id(6)] string Target,
    [property: Id(7)] string Detail,
    [property: Id(8)] string PreviousHash,
    [property: Id(9)] string Hash);

/// <summary>A filter over the audit log. <see cref="Actor"/> matches the user id or the e-mail; <see cref="Action"/>
/// matches an action or, ending in '.', every action under that prefix (e.g. "auth."). Pages go backwards from
/// <see cref="BeforeSequence"/> (newest first) or, with <see cref="Ascending"/>, forwards from <see cref="AfterSequence"/>.</summary>
[GenerateSerializer, Immutable, Alias("kb.AuditQuery")]
public sealed record AuditQuery(
    [property: Id(0)] DateTimeOffset? From,
    [property: Id(1)] DateTimeOffset? To,
    [property: Id(2)] string? Actor,
    [property: Id(3)] string? Action,
    [property: Id(4)] long? BeforeSequence,
    [property: Id(5)] int Limit,
    [property: Id(6)] bool Ascending = false,
    [property: Id(7)] long? AfterSequence = null);

/// <summary>The result of walking the chain from its first entry: how many entries were checked and, when it is
/// broken, the first entry that does not fit and why.</summary>
[GenerateSerializer, Immutable, Alias("kb.AuditVerification")]
public sealed record AuditVerification(
    [property: Id(0)] bool Intact,
    [property: Id(1)] long Checked,
    [property: Id(2)] long? FirstBrokenSequence,
    [property: Id(3)] string? Reason,
    [property: Id(4)] long? LastSequence);
