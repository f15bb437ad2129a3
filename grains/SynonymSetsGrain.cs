using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace KnowledgeBase.Grains;

[GenerateSerializer, Alias("kb.SynonymSetsState")]
public sealed class SynonymSetsState
{
    [Id(0)] public long Version { get; set; }
    [Id(1)] public List<List<string>> Sets { get; set; } = [];
    [Id(2)] public DateTimeOffset? UpdatedAt { get; set; }
    [Id(3)] public string? UpdatedBy { get; set; }
}

/// <summary>The admin-managed synonym sets, kept in grain storage (so backups carry them) and pushed to every silo's
/// <see cref="Retrieval.SynonymRegistry"/> when they change; silos renew their subscription, which also hands them the
/// current sets.</summary>
public sealed class SynonymSetsGrain(
    [PersistentState("synonyms", "kb")] IPersistentState<SynonymSetsState> state,
    TimeProvider clock,
    ILogger<SynonymSetsGrain> logger) : Grain, ISynonymSetsGrain
{
    private readonly ObserverManager<ISynonymObserver> _observers = new(TimeSpan.FromMinutes(2), logger);

    private SynonymSets Current => new(state.State.Version, state.State.Sets, state.State.UpdatedAt, state.State.UpdatedBy);

    public Task<SynonymSets> GetAsync() => Task.FromResult(Current);

    public async Task<SynonymSets> SetAsync(IReadOnlyList<IReadOnlyList<string>> sets, string updatedBy)
    {
        state.State.Sets = sets.Select(s => s.ToList()).ToList();
        state.State.Version++;
        state.State.UpdatedAt = clock.GetUtcNow();
        state.State.UpdatedBy = updatedBy;
        await state.WriteStateAsync();
        var current = Current;
        await _observers.Notify(o => o.OnSynonymsChanged(current));
        return current;
    }

    public Task<SynonymSets> SubscribeAsync(ISynonymObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.FromResult(Current);
    }
}
