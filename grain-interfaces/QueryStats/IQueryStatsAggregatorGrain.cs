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
