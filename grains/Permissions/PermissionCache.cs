using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Permissions;

/// <summary>This process's copy of the permission snapshot, kept current by pushes from <see cref="IPermissionsGrain"/>
/// (each silo and api subscribes) and by asking for the version every <see cref="PermissionOptions.PollInterval"/> in
/// case a push was lost. Every permission check in the process reads it, so a check costs no grain call. It also relays
/// corpus changes (a document indexed, moved or deleted) to the local index replicator.</summary>
public sealed class PermissionCache(IGrainFactory grains, IOptions<PermissionOptions> options, ILogger<PermissionCache> logger)
    : BackgroundService, IClusterChangeObserver
{
    private static readonly TimeSpan Resubscribe = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<(string UserId, string Role), Access> _access = new();
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile PermissionSnapshot? _snapshot;
    private IClusterChangeObserver? _reference;

    /// <summary>Raised with each pushed corpus change.</summary>
    public event Action<CorpusChange>? CorpusChanged;

    public UploadPolicy UploadPolicy => options.Value.UploadPolicy;

    /// <summary>The current snapshot (fetched on first use).</summary>
    public async ValueTask<PermissionSnapshot> SnapshotAsync()
        => _snapshot ?? await RefreshAsync(force: true);

    /// <summary>What the caller may do under the current snapshot.</summary>
    public async ValueTask<Access> AccessAsync(Caller caller)
    {
        var snapshot = await SnapshotAsync();
        var access = _access.GetOrAdd((caller.UserId, caller.Role), key => new Access(snapshot, key.UserId, key.Role, UploadPolicy));
        // A change can land between reading the snapshot and the lookup: never hand out an answer older than the snapshot read.
        return access.Version >= snapshot.Version ? access : new Access(snapshot, caller.UserId, caller.Role, UploadPolicy);
    }

    public Task OnPermissionsChanged(PermissionSnapshot snapshot)
    {
        Apply(snapshot);
        return Task.CompletedTask;
    }

    public Task OnCorpusChanged(CorpusChange change)
    {
        CorpusChanged?.Invoke(change);
        return Task.CompletedTask;
    }

    private void Apply(PermissionSnapshot snapshot)
    {
        lock (_access)
        {
            if (_snapshot is { } current && current.Version >= snapshot.Version) return;
            _snapshot = snapshot;
            _access.Clear();
        }
    }

    /// <summary>Fetches the snapshot when the grain's version moved past ours (or always, when forced).</summary>
    public async Task<PermissionSnapshot> RefreshAsync(bool force = false)
    {
        var grain = grains.GetGrain<IPermissionsGrain>("all");
        await _refreshing.WaitAsync();
        try
        {
            if (!force && _snapshot is { } known && await grain.GetVersionAsync() <= known.Version) return known;
            Apply(await grain.GetSnapshotAsync());
            return _snapshot!;
        }
        finally { _refreshing.Release(); }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval);
        var subscribedAt = DateTimeOffset.MinValue;
        var failing = false;
        do
        {
            try
            {
                if (DateTimeOffset.UtcNow - subscribedAt >= Resubscribe)
                {
                    _reference ??= grains.CreateObjectReference<IClusterChangeObserver>(this);
                    await grains.GetGrain<IPermissionsGrain>("all").SubscribeAsync(_reference);
                    subscribedAt = DateTimeOffset.UtcNow;
                }
                await RefreshAsync();
                failing = false;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The cluster may not be serving yet; checks meanwhile fetch the snapshot themselves.
                if (!failing) logger.LogWarning(ex, "Refreshing permissions failed; retrying every {Interval}", options.Value.PollInterval);
                failing = true;
                subscribedAt = DateTimeOffset.MinValue;
            }
        } while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try { return await timer.WaitForNextTickAsync(cancellationToken); }
        catch (OperationCanceledException) { return false; }
    }
}

public static class PermissionServiceCollectionExtensions
{
    /// <summary>The process's permission cache (silos and apis alike) and UPLOAD_POLICY.</summary>
    public static IServiceCollection AddPermissions(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<PermissionOptions>().Configure(o =>
        {
            o.UploadPolicy = config["UPLOAD_POLICY"]?.Trim().ToLowerInvariant() switch
            {
                null or "" or "editors" => UploadPolicy.Editors,
                "everyone" => UploadPolicy.Everyone,
                var other => throw new InvalidOperationException($"UPLOAD_POLICY must be editors or everyone (got '{other}')."),
            };
        }).ValidateOnStart();
        if (services.Any(d => d.ServiceType == typeof(PermissionCache))) return services;
        services.AddSingleton<PermissionCache>();
        services.AddHostedService(sp => sp.GetRequiredService<PermissionCache>());
        return services;
    }
}
