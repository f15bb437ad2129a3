namespace KnowledgeBase.Contracts;

/// <summary>Receives live spend changes (admin consoles subscribe through the api).</summary>
[Alias("kb.IUsageObserver")]
public interface IUsageObserver : IGrainObserver
{
    [OneWay, Alias("OnUsageChanged")]
    Task OnUsageChanged(IReadOnlyList<UsageChange> changes);
}
