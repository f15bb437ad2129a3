using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace KnowledgeBase.Grains;

[GenerateSerializer, Alias("kb.RetrievalBoostsState")]
public sealed class RetrievalBoostsState
{
    [Id(0)] public long Version { get; set; }
    [Id(1)] public List<RetrievalBoost> Boosts { get; set; } = [];
}

/// <summary>The boosts admins attach to down-voted questions, kept in grain storage (so restarts and backups carry
/// them) and pushed to every silo's <see cref="Retrieval.BoostRegistry"/> when they change; silos renew their
/// subscription, which also hands them the current boosts.</summary>
public sealed class RetrievalBoostsGrain(
    [PersistentState("boosts", "kb")] IPersistentState<RetrievalBoostsState> state,
    Retrieval.IKnowledgeIndex index,
    TimeProvider clock,
    ILogger<RetrievalBoostsGrain> logger) : Grain, IRetrievalBoostsGrain
{
    private readonly ObserverManager<IRetrievalBoostsObserver> _observers = new(TimeSpan.FromMinutes(2), logger);

    /// <summary>Enough for years of feedback review; each one costs a similarity check per question.</summary>
    public const int MaxBoosts = 2000;

    private RetrievalBoosts Current => new(state.State.Version, state.State.Boosts.ToList());

    public Task<RetrievalBoosts> GetAsync() => Task.FromResult(Current);

    public Task<RetrievalBoosts> SubscribeAsync(IRetrievalBoostsObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.FromResult(Current);
    }

    private async Task StoreAndPushAsync()
    {
        state.State.Version++;
        await state.WriteStateAsync();
        var current = Current;
        await _observers.Notify(o => o.OnBoostsChanged(current));
    }

    public async Task<RetrievalBoost?> AddAsync(string question, string chunkId, string? messageId, string createdBy)
    {
        // Every silo's index holds every chunk; where it sits is read from it, so the list shows the source by name.
        var chunk = (await index.GetChunksAsync([chunkId], collections: null)).FirstOrDefault();
        if (chunk is null) return null;
        var boost = new RetrievalBoost("boost_" + Guid.NewGuid().ToString("N")[..12], question, chunk.ChunkId, chunk.DocumentId, chunk.FileName,
            chunk.Section, messageId, createdBy, clock.GetUtcNow());
        // One boost per question and chunk: attaching it again replaces the old one.
        state.State.Boosts.RemoveAll(b => b.ChunkId == boost.ChunkId && b.Question == boost.Question);
        state.State.Boosts.Add(boost);
        if (state.State.Boosts.Count > MaxBoosts) state.State.Boosts.RemoveRange(0, state.State.Boosts.Count - MaxBoosts);
        await StoreAndPushAsync();
        return boost;
    }

    public async Task<bool> RemoveAsync(string id)
    {
        if (state.State.Boosts.RemoveAll(b => b.Id == id) == 0) return false;
        await StoreAndPushAsync();
        return true;
    }
}
