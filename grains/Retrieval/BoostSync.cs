using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>Keeps this silo's <see cref="BoostRegistry"/> equal to the boosts grain (pushed, renewed). Applying embeds
/// the boosted questions, so applies run one at a time and an older version never replaces a newer one.</summary>
public sealed class BoostSync(IGrainFactory grains, BoostRegistry registry, IEmbeddingGenerator<string, Embedding<float>> embedder,
    ILogger<BoostSync> logger) : SubscribedSync<IRetrievalBoostsObserver, RetrievalBoosts>(grains, logger), IRetrievalBoostsObserver
{
    private readonly SemaphoreSlim _applying = new(1, 1);

    public async Task OnBoostsChanged(RetrievalBoosts boosts)
    {
        try
        {
            await ApplyAsync(boosts, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The next renewal applies the current boosts.
            logger.LogWarning(ex, "Applying pushed retrieval boosts version {Version} failed", boosts.Version);
        }
    }

    protected override Task<RetrievalBoosts> SubscribeAsync(IGrainFactory grains, IRetrievalBoostsObserver observer)
        => grains.GetGrain<IRetrievalBoostsGrain>("all").SubscribeAsync(observer);

    protected override async Task ApplyAsync(RetrievalBoosts boosts, CancellationToken cancellationToken)
    {
        await _applying.WaitAsync(cancellationToken);
        try
        {
            if (await registry.ApplyAsync(boosts, async q => (await embedder.GenerateAsync(q, cancellationToken: cancellationToken)).Vector))
                logger.LogInformation("Retrieval boosts version {Version} applied ({Count} boosts)", boosts.Version, boosts.Boosts.Count);
        }
        finally
        {
            _applying.Release();
        }
    }

    public override void Dispose()
    {
        _applying.Dispose();
        base.Dispose();
    }
}
