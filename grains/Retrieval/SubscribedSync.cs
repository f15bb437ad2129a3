using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>Keeps a silo-local copy equal to a grain's snapshot: subscribed for the grain's pushes (a change applies here
/// as soon as the grain has stored it), renewed every <see cref="Renewal"/>, which also applies the current snapshot in
/// case a push was lost; retried every 2 s while the cluster is starting. The subclass is the observer.</summary>
public abstract class SubscribedSync<TObserver, TSnapshot>(IGrainFactory grains, ILogger logger) : BackgroundService
    where TObserver : class, IGrainObserver
{
    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(30);

    /// <summary>Subscribes <paramref name="observer"/> (again) and returns the grain's current snapshot.</summary>
    protected abstract Task<TSnapshot> SubscribeAsync(IGrainFactory grains, TObserver observer);

    protected abstract Task ApplyAsync(TSnapshot snapshot, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reference = grains.CreateObjectReference<TObserver>((TObserver)(object)this);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = Renewal;
                try
                {
                    await ApplyAsync(await SubscribeAsync(grains, reference).WaitAsync(stoppingToken), stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogDebug(ex, "Subscribing to {Observer} failed; retrying", typeof(TObserver).Name);
                    wait = TimeSpan.FromSeconds(2);
                }
                await Task.Delay(wait, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            grains.DeleteObjectReference<TObserver>(reference);
        }
    }
}
