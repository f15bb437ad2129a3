using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>Keeps this silo's <see cref="BoostRegistry"/> equal to the boosts grain: subscribed for pushes (an admin's
/// boost or removal applies here as soon as the grain has stored it), renewed every <see cref="Renewal"/>, which also
/// applies the current boosts in case a push was lost. Applying embeds the boosted questions, so applies run one at a
/// time and an older version never replaces a newer one.</summary>
public sealed class BoostSync(IGrainFactory grains, BoostRegistry registry, IEmbeddingGenerator<string, Embedding<float>> embedder,
    ILogger<BoostSync> logger) : BackgroundService, IRetrievalBoostsObserver
{
    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(30);

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

    private async Task ApplyAsync(RetrievalBoosts boosts, CancellationToken cancellationToken)
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reference = grains.CreateObjectReference<IRetrievalBoostsObserver>(this);
        var grain = grains.GetGrain<IRetrievalBoostsGrain>("all");
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = Renewal;
                try
                {
                    await ApplyAsync(await grain.SubscribeAsync(reference).WaitAsync(stoppingToken), stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The cluster may still be starting, or the embedder is briefly down; try again soon.
                    logger.LogDebug(ex, "Subscribing to retrieval boosts failed; retrying");
                    wait = TimeSpan.FromSeconds(2);
                }
                await Task.Delay(wait, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            grains.DeleteObjectReference<IRetrievalBoostsObserver>(reference);
        }
    }

    public override void Dispose()
    {
        _applying.Dispose();
        base.Dispose();
    }
}
