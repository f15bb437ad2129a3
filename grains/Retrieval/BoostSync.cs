using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>Keeps this silo's <see cref="BoostRegistry"/> equal to the boosts grain: asks for its version every
/// <see cref="Interval"/> and applies a newer one, so an admin's boost or removal is in force on every silo within about a
/// second.</summary>
public sealed class BoostSync(IGrainFactory grains, BoostRegistry registry, IEmbeddingGenerator<string, Embedding<float>> embedder,
    ILogger<BoostSync> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var grain = grains.GetGrain<IRetrievalBoostsGrain>("all");
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = Interval;
                try
                {
                    var boosts = await grain.GetAsync().WaitAsync(stoppingToken);
                    if (await registry.ApplyAsync(boosts, async q => (await embedder.GenerateAsync(q, cancellationToken: stoppingToken)).Vector))
                        logger.LogInformation("Retrieval boosts version {Version} applied ({Count} boosts)", boosts.Version, boosts.Boosts.Count);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The cluster may still be starting, or the embedder is briefly down; try again soon.
                    logger.LogDebug(ex, "Reading retrieval boosts failed; retrying");
                    wait = TimeSpan.FromSeconds(2);
                }
                await Task.Delay(wait, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }
}
