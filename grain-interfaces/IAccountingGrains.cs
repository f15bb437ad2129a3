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

/// <summary>Spend totals of one period, keyed "day:yyyy-MM-dd" or "month:yyyy-MM".</summary>
[Alias("kb.ICostLedgerGrain")]
public interface ICostLedgerGrain : IGrainWithStringKey
{
    [Alias("Apply")]
    Task ApplyAsync(IReadOnlyList<PeriodUserTotal> totals);

    [AlwaysInterleave, Alias("Get")]
    Task<LedgerSnapshot> GetAsync();
}

/// <summary>Receives live spend changes (admin consoles subscribe through the api).</summary>
[Alias("kb.IUsageObserver")]
public interface IUsageObserver : IGrainObserver
{
    [OneWay, Alias("OnUsageChanged")]
    Task OnUsageChanged(IReadOnlyList<UsageChange> changes);
}

/// <summary>Fans spend changes out to subscribed observers (single activation, key "all").</summary>
[Alias("kb.IUsageFeedGrain")]
public interface IUsageFeedGrain : IGrainWithStringKey
{
    [Alias("Subscribe")]
    Task SubscribeAsync(IUsageObserver observer);

    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IUsageObserver observer);

    [OneWay, Alias("Publish")]
    Task PublishAsync(IReadOnlyList<UsageChange> changes);
}

/// <summary>The list of feedback reports for admin review (single activation, key "all").</summary>
[Alias("kb.IFeedbackLogGrain")]
public interface IFeedbackLogGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task AddAsync(FeedbackReport report);

    [Alias("List")]
    Task<IReadOnlyList<FeedbackReport>> ListAsync(int take);

    /// <summary>Drops every report of a deleted user (their questions and answers are personal data).</summary>
    [Alias("RemoveUser")]
    Task RemoveUserAsync(string userId);
}
