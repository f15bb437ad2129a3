using KnowledgeBase.Grains.Clustering;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Retention;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains;

/// <summary>Prunes the query log of the silo its key names (each silo writes its own, under its LOG_DIR).</summary>
[SiloKeyedPlacement]
public sealed class QueryLogRetentionGrain(IOptions<KnowledgeBaseOptions> options, ILocalSiloDetails silo) : Grain, IQueryLogRetentionGrain
{
    public async Task<int> PruneAsync(DateTimeOffset cutoff)
    {
        if (this.GetPrimaryKeyString() != silo.SiloAddress.ToParsableString())
        {
            // Placed here because the silo it stands for is gone, and that silo's files with it.
            DeactivateOnIdle();
            return 0;
        }
        // File work off the grain's scheduler.
        return await Task.Run(() => QueryLogPruner.PruneAsync(options.Value.LogDir, cutoff));
    }
}
