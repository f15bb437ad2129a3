namespace KnowledgeBase.Contracts;

/// <summary>Per-silo pre-aggregator: user grains hand it their totals; it batches them to the ledgers on a timer.</summary>
[Alias("kb.ICostAggregatorGrain")]
public interface ICostAggregatorGrain : IGrainWithIntegerKey
{
    [OneWay, Alias("Record")]
    Task RecordAsync(UserSpend spend);

    /// <summary>Sends whatever is buffered now (tests and shutdown).</summary>
    [Alias("Flush")]
    Task FlushAsync();
}
