namespace KnowledgeBase.Contracts;

/// <summary>The admin-managed synonym sets: each set is a group of interchangeable terms (the first is the one the
/// documents use). <paramref name="Version"/> grows with every change; silos apply only newer versions.</summary>
[GenerateSerializer, Immutable, Alias("kb.SynonymSets")]
public sealed record SynonymSets(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<IReadOnlyList<string>> Sets,
    [property: Id(2)] DateTimeOffset? UpdatedAt,
    [property: Id(3)] string? UpdatedBy);
