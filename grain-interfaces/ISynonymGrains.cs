namespace KnowledgeBase.Contracts;

/// <summary>The admin-managed synonym sets: each set is a group of interchangeable terms (the first is the one the
/// documents use). <paramref name="Version"/> grows with every change; silos apply only newer versions.</summary>
[GenerateSerializer, Immutable, Alias("kb.SynonymSets")]
public sealed record SynonymSets(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<IReadOnlyList<string>> Sets,
    [property: Id(2)] DateTimeOffset? UpdatedAt,
    [property: Id(3)] string? UpdatedBy);

/// <summary>A silo's copy of the synonym sets, told of every change.</summary>
[Alias("kb.ISynonymObserver")]
public interface ISynonymObserver : IGrainObserver
{
    [OneWay, Alias("OnSynonymsChanged")]
    Task OnSynonymsChanged(SynonymSets sets);
}

/// <summary>Holds the synonym sets in grain storage and pushes each change to every subscribed silo (single activation, key "all").</summary>
[Alias("kb.ISynonymSetsGrain")]
public interface ISynonymSetsGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<SynonymSets> GetAsync();

    /// <summary>Replaces every set (already validated by the api) and notifies the subscribers.</summary>
    [Alias("Set")]
    Task<SynonymSets> SetAsync(IReadOnlyList<IReadOnlyList<string>> sets, string updatedBy);

    /// <summary>Subscribes (or renews) an observer; returns the current sets so a renewal also heals a missed notification.</summary>
    [Alias("Subscribe")]
    Task<SynonymSets> SubscribeAsync(ISynonymObserver observer);
}
