using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace KnowledgeBase.Grains;

/// <summary>Fans spend changes out to the admin consoles' observers. Subscriptions expire unless renewed.</summary>
public sealed class UsageFeedGrain(ILogger<UsageFeedGrain> logger) : Grain, IUsageFeedGrain
{
    private readonly ObserverManager<IUsageObserver> _observers = new(TimeSpan.FromMinutes(2), logger);

    public Task SubscribeAsync(IUsageObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IUsageObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task PublishAsync(IReadOnlyList<UsageChange> changes)
    {
        _observers.Notify(o => o.OnUsageChanged(changes));
        return Task.CompletedTask;
    }
}
