using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>Keeps this silo's <see cref="SynonymRegistry"/> equal to the synonyms grain (pushed, renewed).</summary>
public sealed class SynonymSync(IGrainFactory grains, SynonymRegistry registry, ILogger<SynonymSync> logger)
    : SubscribedSync<ISynonymObserver, SynonymSets>(grains, logger), ISynonymObserver
{
    public Task OnSynonymsChanged(SynonymSets sets) => ApplyAsync(sets, CancellationToken.None);

    protected override Task<SynonymSets> SubscribeAsync(IGrainFactory grains, ISynonymObserver observer)
        => grains.GetGrain<ISynonymSetsGrain>("all").SubscribeAsync(observer);

    protected override Task ApplyAsync(SynonymSets sets, CancellationToken cancellationToken)
    {
        if (registry.Apply(sets.Version, sets.Sets))
            logger.LogInformation("Synonym sets version {Version} applied ({Count} sets)", sets.Version, sets.Sets.Count);
        return Task.CompletedTask;
    }
}
