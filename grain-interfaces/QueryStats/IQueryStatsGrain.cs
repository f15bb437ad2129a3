namespace KnowledgeBase.Contracts;

/// <summary>Turns and no-result turns per hour of one local day, keyed "day:yyyy-MM-dd".</summary>
[Alias("kb.IQueryStatsGrain")]
public interface IQueryStatsGrain : IGrainWithStringKey
{
    /// <summary>Replaces one source's counts (a newer sequence wins).</summary>
    [Alias("Apply")]
    Task ApplyAsync(string source, HourlyQueryCounts counts);

    /// <summary>The day's counts summed over all sources.</summary>
    [AlwaysInterleave, Alias("Get")]
    Task<HourlyQueryCounts> GetAsync();
}
