namespace KnowledgeBase.Contracts;

/// <summary>The retrieval boosts admins attached in the feedback review (single activation, key "all").</summary>
[Alias("kb.IRetrievalBoostsGrain")]
public interface IRetrievalBoostsGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<RetrievalBoosts> GetAsync();

    /// <summary>Boosts the chunk for the question; null when the index holds no such chunk.</summary>
    [Alias("Add")]
    Task<RetrievalBoost?> AddAsync(string question, string chunkId, string? messageId, string createdBy);

    /// <summary>False when no boost has that id.</summary>
    [Alias("Remove")]
    Task<bool> RemoveAsync(string id);
}
