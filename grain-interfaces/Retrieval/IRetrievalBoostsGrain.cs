namespace KnowledgeBase.Contracts;

/// <summary>The retrieval boosts admins attached in the feedback review (single activation, key "all").</summary>
[Alias("kb.IRetrievalBoostsGrain")]
public interface IRetrievalBoostsGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<RetrievalBoosts> GetAsync();

    /// <summary>Tells <paramref name="observer"/> of every change until it has not renewed for two minutes (silos renew
    /// every 30 s); returns the current boosts.</summary>
    [Alias("Subscribe")]
    Task<RetrievalBoosts> SubscribeAsync(IRetrievalBoostsObserver observer);

    /// <summary>Boosts the chunk for the question; null when the index holds no such chunk.</summary>
    [Alias("Add")]
    Task<RetrievalBoost?> AddAsync(string question, string chunkId, string? messageId, string createdBy);

    /// <summary>False when no boost has that id.</summary>
    [Alias("Remove")]
    Task<bool> RemoveAsync(string id);
}
