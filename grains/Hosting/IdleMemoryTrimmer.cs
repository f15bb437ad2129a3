using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Grains.Hosting;

/// <summary>
/// Gives memory back to the operating system when the process has gone quiet. The GC shrinks its heaps only when it
/// runs, and an idle process allocates almost nothing, so after a burst of work (start-up, an upload, a busy hour) the
/// memory it grew into stays committed. When a whole window passes with next to no allocation, one compacting,
/// decommitting collection runs (GCCollectionMode.Aggressive); then nothing more until the process has been busy again.
/// </summary>
public sealed class IdleMemoryTrimmer(TimeProvider clock, ILogger<IdleMemoryTrimmer> logger) : BackgroundService
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private readonly IdlePolicy _policy = new(GC.GetTotalAllocatedBytes());

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Window, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!_policy.ShouldTrim(GC.GetTotalAllocatedBytes())) continue;
                var before = Environment.WorkingSet;
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                logger.LogInformation("Idle for {Seconds} s: memory trimmed from {Before} MB to {After} MB", Window.TotalSeconds,
                    before / (1024 * 1024), Environment.WorkingSet / (1024 * 1024));
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Trim once per quiet spell: a window with less than <see cref="IdleBytes"/> allocated is quiet (health
    /// probes, metric scrapes and the index's catalog polling allocate well under it; one chat turn allocates more).</summary>
    public sealed class IdlePolicy(long allocatedAtStart)
    {
        public const long IdleBytes = 8L * 1024 * 1024;
        private long _last = allocatedAtStart;
        private bool _trimmed;

        public bool ShouldTrim(long allocatedNow)
        {
            var busy = allocatedNow - _last >= IdleBytes;
            _last = allocatedNow;
            if (busy) _trimmed = false;
            if (busy || _trimmed) return false;
            _trimmed = true;
            return true;
        }
    }
}

public static class IdleMemoryTrimmerExtensions
{
    public static IServiceCollection AddIdleMemoryTrimmer(this IServiceCollection services)
    {
        services.AddHostedService<IdleMemoryTrimmer>();
        return services;
    }
}
