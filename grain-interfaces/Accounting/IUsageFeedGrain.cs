namespace KnowledgeBase.Contracts;

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
