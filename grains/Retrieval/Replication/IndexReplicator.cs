using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Retrieval.Replication;

/// <summary>How a silo's index follows the catalog: pushed changes at once, plus a slow safety poll.</summary>
public sealed class ReplicationOptions
{
    /// <summary>A check of the catalog even without a pushed change (a lost notification costs at most this).</summary>
    public TimeSpan SafetyPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How soon a failed round (the silo not serving grains yet, the blob store away) is tried again.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often this silo renews its subscription to the catalog's changes.</summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Chunk files read at once while catching up.</summary>
    public int Parallelism { get; set; } = 4;
}

/// <summary>Keeps this silo's <see cref="LocalIndex"/> equal to the catalog: the silo that ingests a document applies it
/// at once (<see cref="Ingestion.DocumentIndexer"/>); every other silo is told by the catalog (a grain observer,
/// <see cref="ICorpusObserver"/>) and then reads the document's chunk file from the blob store and applies it. A slow
/// safety poll covers a lost notification. Documents gone from the catalog are deleted; a silo with an empty disk
/// rebuilds everything from chunk files.</summary>
public sealed class IndexReplicator(LocalIndex local, ChunkFiles files, IGrainFactory grains, IOptions<ReplicationOptions> replication,
    ILogger<IndexReplicator> logger) : BackgroundService, ICorpusObserver
{
    private readonly ReplicationOptions _options = replication.Value;
    private readonly Channel<long> _changes = Channel.CreateBounded<long>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private ICorpusObserver? _reference;
    private long _subscribedAt = long.MinValue;
    private long _seenCorpusVersion = -1;
    private bool _failing;

    /// <summary>The catalog's push: wakes the loop (changes arriving together are handled by one round).</summary>
    public Task CorpusChangedAsync(long corpusVersion)
    {
        _changes.Writer.TryWrite(corpusVersion);
        return Task.CompletedTask;
    }

    private async Task RenewSubscriptionAsync()
    {
        if (_reference is not null && Stopwatch.GetElapsedTime(_subscribedAt) < _options.RenewInterval) return;
        _reference ??= grains.CreateObjectReference<ICorpusObserver>(this);
        await grains.GetGrain<IDocumentCatalogGrain>("all").SubscribeAsync(_reference);
        _subscribedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>The revision of each document in the local index.</summary>
    public IReadOnlyDictionary<string, long> AppliedRevisions => local.AppliedRevisions;

    /// <summary>Documents this silo has indexed (directly or from chunk files) since it started.</summary>
    public long DocumentsApplied => local.DocumentsApplied;

    /// <summary>One round: when the corpus version moved, brings the local index to the catalog's manifest. Returns the
    /// number of documents applied or removed.</summary>
    public async Task<int> SyncAsync(CancellationToken cancellationToken = default)
    {
        var catalog = grains.GetGrain<IDocumentCatalogGrain>("all");
        if (await catalog.GetCorpusVersionAsync() == Interlocked.Read(ref _seenCorpusVersion)) return 0;
        var manifest = await catalog.GetIndexManifestAsync();
        var wanted = manifest.Documents.ToDictionary(d => d.DocumentId, StringComparer.Ordinal);
        var changes = 0;

        foreach (var id in local.DocumentIds.Where(id => !wanted.ContainsKey(id)))
        {
            await local.RemoveAsync(id, cancellationToken);
            changes++;
        }

        var stale = manifest.Documents.Where(d => d.Revision is { } revision && local.Needs(d.DocumentId, revision)).ToList();
        var complete = true;
        await Parallel.ForEachAsync(stale, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Parallelism), CancellationToken = cancellationToken },
            async (document, token) =>
            {
                var file = await files.ReadAsync(document.DocumentId, document.Version, token);
                if (file is null)
                {
                    local.MarkMissing(document.DocumentId, document.Revision!.Value);
                    logger.LogWarning("No chunk file for {DocumentId} v{Version}; this silo cannot index it until it is re-indexed", document.DocumentId, document.Version);
                    return;
                }
                // A file newer than the manifest (a reindex finishing) is applied too; the next poll sees its revision.
                if (file.Revision < document.Revision) complete = false;
                await local.ApplyAsync(file.DocumentId, file.Version, file.Revision, file.Chunks, token);
                Interlocked.Increment(ref changes);
            });
        if (complete) Interlocked.Exchange(ref _seenCorpusVersion, manifest.CorpusVersion);
        if (changes > 0) logger.LogInformation("Local index caught up to corpus version {Version}: {Changes} documents applied or removed", manifest.CorpusVersion, changes);
        return changes;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                while (_changes.Reader.TryRead(out _)) { }
                await RenewSubscriptionAsync();
                await SyncAsync(stoppingToken);
                if (local.HasUnsavedChanges) await local.SaveAsync();
                _failing = false;
                wait = Min(_options.SafetyPollInterval, _options.RenewInterval);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The silo may not be serving grains yet, or the blob store may be away; the next round tries again.
                if (!_failing) logger.LogWarning(ex, "Index replication failed; retrying every {Interval}", _options.RetryInterval);
                _failing = true;
                wait = _options.RetryInterval;
            }
            if (!await WaitAsync(wait, stoppingToken)) break;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Until a change is pushed or the wait is over; false when the silo stops.</summary>
    private async Task<bool> WaitAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(wait);
        try
        {
            await _changes.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        return true;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (local.HasUnsavedChanges) await local.SaveAsync();
    }
}
