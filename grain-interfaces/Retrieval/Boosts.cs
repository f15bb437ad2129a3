namespace KnowledgeBase.Contracts;

/// <summary>An admin's correction from the feedback review: for <see cref="Question"/> (and close paraphrases of it),
/// retrieval puts the chunk that should have answered first, for callers who may read it.</summary>
[GenerateSerializer, Immutable, Alias("kb.RetrievalBoost")]
public sealed record RetrievalBoost(
    [property: Id(0)] string Id,
    [property: Id(1)] string Question,
    [property: Id(2)] string ChunkId,
    [property: Id(3)] string DocumentId,
    [property: Id(4)] string FileName,
    [property: Id(5)] string Section,
    [property: Id(6)] string? MessageId,
    [property: Id(7)] string CreatedBy,
    [property: Id(8)] DateTimeOffset CreatedAt);

/// <summary>Every boost, with a version that grows on each change (silos apply a newer version only).</summary>
[GenerateSerializer, Immutable, Alias("kb.RetrievalBoosts")]
public sealed record RetrievalBoosts(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<RetrievalBoost> Boosts);
