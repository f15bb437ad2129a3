namespace KnowledgeBase.Contracts;

/// <summary>The query log of one silo (keyed by the silo's address, and placed on that silo).</summary>
[Alias("kb.IQueryLogRetentionGrain")]
public interface IQueryLogRetentionGrain : IGrainWithStringKey
{
    /// <summary>Removes this silo's query-log lines older than <paramref name="cutoff"/>; the number removed.</summary>
    [Alias("Prune")]
    Task<int> PruneAsync(DateTimeOffset cutoff);
}
