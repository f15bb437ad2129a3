namespace KnowledgeBase.Contracts;

/// <summary>Per-silo pre-aggregator of chat turn outcomes: user grains hand it each settled turn; it batches them to
/// the day's stats grain on a timer.</summary>
[Alias("kb.IQueryStatsAggregatorGrain")]
public interface IQueryStatsAggregatorGrain : IGrainWithIntegerKey
{
    [OneWay, Alias("Record")]
    Task RecordAsync(QueryOutcome outcome);

    /// <summary>Sends whatever is counted now (tests and shutdown).</summary>
    [Alias("Flush")]
    Task FlushAsync();
}

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
