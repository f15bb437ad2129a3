namespace KnowledgeBase.Contracts;

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
