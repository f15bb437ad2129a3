using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>Keeps this silo's <see cref="SynonymRegistry"/> equal to the synonyms grain: subscribed for pushes (a change
/// applies here as soon as the grain has stored it), renewed every <see cref="Renewal"/>, which also applies the current
/// sets in case a push was lost.</summary>
public sealed class SynonymSync(IGrainFactory grains, SynonymRegistry registry, ILogger<SynonymSync> logger) : BackgroundService, ISynonymObserver
{
    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(30);

    public Task OnSynonymsChanged(SynonymSets sets)
    {
        Apply(sets);
        return Task.CompletedTask;
    }

    private void Apply(SynonymSets sets)
    {
        if (registry.Apply(sets.Version, sets.Sets))
            logger.LogInformation("Synonym sets version {Version} applied ({Count} sets)", sets.Version, sets.Sets.Count);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reference = grains.CreateObjectReference<ISynonymObserver>(this);
        var grain = grains.GetGrain<ISynonymSetsGrain>("all");
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = Renewal;
                try
                {
                    Apply(await grain.SubscribeAsync(reference).WaitAsync(stoppingToken));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The cluster may still be starting; try again soon.
                    logger.LogDebug(ex, "Subscribing to synonym sets failed; retrying");
                    wait = TimeSpan.FromSeconds(2);
                }
                await Task.Delay(wait, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            grains.DeleteObjectReference<ISynonymObserver>(reference);
        }
    }
}
