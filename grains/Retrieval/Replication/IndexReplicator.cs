using System.Text.Json;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Permissions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Retrieval.Replication;

/// <summary>How often a silo checks the catalog for documents its local index lacks. Changes are pushed; the poll is
/// the safety net for a push that was lost, and the retry interval is how soon a failed round is tried again.</summary>
public sealed class ReplicationOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Chunk files read at once while catching up.</summary>
    public int Parallelism { get; set; } = 4;
}

/// <summary>Keeps this silo's local index (under DATA_DIR) equal to the catalog: the silo that ingests a document
/// applies it at once; every other silo is pushed the change (through the <see cref="PermissionCache"/>), reads the
/// document's chunk file from the blob store and applies it in the document's collection. A push that does not follow
/// the version this silo last saw (one was lost or arrived out of order), and the slow poll, bring the whole manifest
/// instead. A document moved to another collection is moved in
/// place (no chunk file is read). Documents gone from the catalog are deleted. The revision applied
/// per document is kept in {DATA_DIR}/index/replication.json (rewritten at most once per poll and at shutdown; after a
/// crash the few documents not yet recorded are applied again, which is harmless), so a restarted silo catches up on
/// the difference only and a silo with an empty disk rebuilds everything from chunk files.</summary>
public sealed class IndexReplicator : BackgroundService
{
    private readonly IKnowledgeIndex _index;
    private readonly ChunkFiles _files;
    private readonly IGrainFactory _grains;
    private readonly ReplicationOptions _options;
    private readonly ILogger _logger;
    private readonly string _statePath;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, Applied> _applied;
    // Revisions whose chunk file is missing (documents indexed before chunk files existed, or deleted meanwhile):
    // tried once per revision, not on every poll.
    private readonly Dictionary<string, long> _missing = new(StringComparer.Ordinal);
    private long _seenCorpusVersion = -1;
    private long _documentsApplied;
    private volatile bool _unsaved;
    private bool _failing;
    private readonly SemaphoreSlim _nudge = new(0, 1);
    private readonly System.Collections.Concurrent.ConcurrentQueue<CorpusChange> _pushed = new();
    private bool _fullSyncDue = true;

    /// <param name="grains">Absent where ingestion runs without a cluster (tests, benchmarks): the local index is then
    /// written directly and nothing is synchronised.</param>
    public IndexReplicator(IKnowledgeIndex index, ChunkFiles files, IOptions<KnowledgeBaseOptions> options,
        IOptions<ReplicationOptions> replication, ILogger<IndexReplicator> logger, IGrainFactory? grains = null, PermissionCache? changes = null)
    {
        if (changes is not null) changes.CorpusChanged += Pushed;
        _index = index;
        _files = files;
        _grains = grains!;
        _options = replication.Value;
        _logger = logger;
        _statePath = Path.Combine(Path.GetFullPath(options.Value.DataDir), "index", "replication.json");
        _applied = Load(_statePath);
    }

    /// <summary>The revision of each document in the local index.</summary>
    public IReadOnlyDictionary<string, long> AppliedRevisions
    {
        get
        {
            lock (_applied) return _applied.ToDictionary(kv => kv.Key, kv => kv.Value.Revision, StringComparer.Ordinal);
        }
    }

    /// <summary>The collection a document is indexed in on this silo, or null when it is not indexed here.</summary>
    public string? CollectionOf(string documentId)
    {
        lock (_applied) return _applied.TryGetValue(documentId, out var applied) ? DefaultCollection.Of(applied.CollectionId) : null;
    }

    /// <summary>Documents this silo has indexed (directly or from chunk files) since it started.</summary>
    public long DocumentsApplied => Interlocked.Read(ref _documentsApplied);

    /// <summary>Indexes a document locally at a revision (the ingesting silo's direct path).</summary>
    public Task ApplyAsync(string documentId, int version, long revision, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken = default)
        => ApplyCoreAsync(documentId, version, revision, chunks, cancellationToken);

    /// <summary>Puts a document's local chunks in another collection (the moving silo's direct path).</summary>
    public async Task MoveAsync(string documentId, string collectionId, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await _index.MoveDocumentAsync(documentId, collectionId, cancellationToken);
            lock (_applied)
                if (_applied.TryGetValue(documentId, out var applied)) _applied[documentId] = applied with { CollectionId = collectionId };
            _unsaved = true;
        }
        finally { _gate.Release(); }
    }

    /// <summary>Queues a pushed change for the loop and wakes it.</summary>
    public void Pushed(CorpusChange change)
    {
        _pushed.Enqueue(change);
        Nudge();
    }

    /// <summary>Wakes the loop for a round now.</summary>
    public void Nudge()
    {
        if (_nudge.CurrentCount == 0) try { _nudge.Release(); } catch (SemaphoreFullException) { }
    }

    public Task RemoveAsync(string documentId, CancellationToken cancellationToken = default)
        => RemoveCoreAsync(documentId, cancellationToken);

    /// <summary>One round: when the corpus version moved, brings the local index to the catalog's manifest. Returns the
    /// number of documents applied or removed.</summary>
    public async Task<int> SyncAsync(CancellationToken cancellationToken = default)
    {
        var catalog = _grains.GetGrain<IDocumentCatalogGrain>("all");
        if (await catalog.GetCorpusVersionAsync() == Interlocked.Read(ref _seenCorpusVersion)) return 0;
        var manifest = await catalog.GetIndexManifestAsync();
        var wanted = manifest.Documents.ToDictionary(d => d.DocumentId, StringComparer.Ordinal);
        var changes = 0;

        List<string> gone;
        lock (_applied) gone = _applied.Keys.Where(id => !wanted.ContainsKey(id)).ToList();
        foreach (var id in gone)
        {
            await RemoveCoreAsync(id, cancellationToken);
            changes++;
        }

        // Moved documents first, in place: a permission change should not wait behind chunk files being read.
        foreach (var moved in manifest.Documents.Where(d => d.Revision is { } revision && !Needs(d.DocumentId, revision) && MovedTo(d) is not null).ToList())
        {
            await MoveAsync(moved.DocumentId, DefaultCollection.Of(moved.CollectionId), cancellationToken);
            changes++;
        }

        var stale = manifest.Documents.Where(d => d.Revision is { } revision && Needs(d.DocumentId, revision)).ToList();
        var complete = true;
        await Parallel.ForEachAsync(stale, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Parallelism), CancellationToken = cancellationToken },
            async (document, token) =>
            {
                var (applied, current) = await ApplyFromFileAsync(document, token);
                if (!current) complete = false;
                if (applied) Interlocked.Increment(ref changes);
            });
        if (complete) Interlocked.Exchange(ref _seenCorpusVersion, manifest.CorpusVersion);
        if (changes > 0) _logger.LogInformation("Local index caught up to corpus version {Version}: {Changes} documents applied or removed", manifest.CorpusVersion, changes);
        return changes;
    }

    /// <summary>Applies the pushed changes that follow the version this silo has seen, in order. Returns false when one
    /// does not follow it (a push was lost, or a chunk file lags its revision): the whole manifest is then read.</summary>
    public async Task<bool> ApplyPushedAsync(CancellationToken cancellationToken = default)
    {
        var batch = new List<CorpusChange>();
        while (_pushed.TryDequeue(out var change)) batch.Add(change);
        var inOrder = true;
        foreach (var change in batch.OrderBy(c => c.CorpusVersion))
        {
            var seen = Interlocked.Read(ref _seenCorpusVersion);
            if (change.CorpusVersion <= seen) continue;
            if (change.PreviousVersion != seen)
            {
                inOrder = false;
                continue;
            }
            var current = true;
            if (change.Document is null) await RemoveCoreAsync(change.DocumentId, cancellationToken);
            else if (change.Document.Revision is { } revision && Needs(change.DocumentId, revision)) (_, current) = await ApplyFromFileAsync(change.Document, cancellationToken);
            else if (MovedTo(change.Document) is { } collection) await MoveAsync(change.DocumentId, collection, cancellationToken);
            if (!current) return false;
            Interlocked.Exchange(ref _seenCorpusVersion, change.CorpusVersion);
        }
        return inOrder;
    }

    /// <summary>Reads a document's chunk file and applies it in the collection in force. Returns whether it was applied,
    /// and whether the file holds at least the wanted revision (a file newer than the manifest, a reindex finishing, is
    /// applied too; the next round sees its revision).</summary>
    private async Task<(bool Applied, bool Current)> ApplyFromFileAsync(IndexedDocument document, CancellationToken cancellationToken)
    {
        var file = await _files.ReadAsync(document.DocumentId, document.Version, cancellationToken);
        if (file is null)
        {
            lock (_missing) _missing[document.DocumentId] = document.Revision!.Value;
            _logger.LogWarning("No chunk file for {DocumentId} v{Version}; this silo cannot index it until it is re-indexed", document.DocumentId, document.Version);
            return (false, true);
        }
        // Chunk files carry no collection: the catalog's is the one in force.
        var collection = DefaultCollection.Of(document.CollectionId);
        await ApplyCoreAsync(file.DocumentId, file.Version, file.Revision, file.Chunks.Select(c => c with { CollectionId = collection }).ToList(), cancellationToken);
        return (true, file.Revision >= document.Revision);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        do
        {
            try
            {
                if (!await ApplyPushedAsync(stoppingToken)) _fullSyncDue = true;
                if (_fullSyncDue) await SyncAsync(stoppingToken);
                _fullSyncDue = false;
                if (_unsaved) await SaveAsync();
                _failing = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The silo may not be serving grains yet, or the blob store may be away; the next tick tries again.
                if (!_failing) _logger.LogWarning(ex, "Index replication failed; retrying every {Interval}", _options.RetryInterval);
                _failing = true;
                _fullSyncDue = true;
            }
        } while (await WaitAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_unsaved) await SaveAsync();
    }

    /// <summary>Until a pushed change wakes the loop, or the poll interval (the retry interval after a failure) passes,
    /// which makes the next round a full one.</summary>
    private async Task<bool> WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!await _nudge.WaitAsync(_failing ? _options.RetryInterval : _options.PollInterval, cancellationToken)) _fullSyncDue = true;
            return true;
        }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>The collection a document should move to, when it is applied here in another one.</summary>
    private string? MovedTo(IndexedDocument document)
    {
        var wanted = DefaultCollection.Of(document.CollectionId);
        lock (_applied)
            return _applied.TryGetValue(document.DocumentId, out var applied) && DefaultCollection.Of(applied.CollectionId) != wanted ? wanted : null;
    }

    private bool Needs(string documentId, long revision)
    {
        lock (_missing)
            if (_missing.TryGetValue(documentId, out var missing) && missing == revision) return false;
        lock (_applied) return !_applied.TryGetValue(documentId, out var applied) || applied.Revision != revision;
    }

    private async Task ApplyCoreAsync(string documentId, int version, long revision, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // An older revision never overwrites a newer one (a slow replica read racing a direct apply).
            lock (_applied)
                if (_applied.TryGetValue(documentId, out var current) && current.Revision > revision) return;
            await _index.ReplaceDocumentAsync(documentId, chunks, cancellationToken);
            lock (_applied) _applied[documentId] = new Applied(version, revision, chunks.Count > 0 ? chunks[0].Collection : DefaultCollection.Id);
            Interlocked.Increment(ref _documentsApplied);
            _unsaved = true;
        }
        finally { _gate.Release(); }
    }

    private async Task RemoveCoreAsync(string documentId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await _index.DeleteDocumentAsync(documentId, cancellationToken);
            lock (_applied) _applied.Remove(documentId);
            lock (_missing) _missing.Remove(documentId);
            _unsaved = true;
        }
        finally { _gate.Release(); }
    }

    /// <summary>Written after the index change is durable, so a crash in between re-applies (idempotent) rather than skips.</summary>
    private async Task SaveAsync()
    {
        await _gate.WaitAsync();
        try
        {
            byte[] json;
            lock (_applied) json = JsonSerializer.SerializeToUtf8Bytes(_applied);
            _unsaved = false;
            Directory.CreateDirectory(Path.GetDirectoryName(_statePath)!);
            var temp = _statePath + ".tmp";
            await File.WriteAllBytesAsync(temp, json);
            File.Move(temp, _statePath, overwrite: true);
        }
        finally { _gate.Release(); }
    }

    private Dictionary<string, Applied> Load(string path)
    {
        try
        {
            if (File.Exists(path))
                return JsonSerializer.Deserialize<Dictionary<string, Applied>>(File.ReadAllBytes(path)) is { } loaded
                    ? new Dictionary<string, Applied>(loaded, StringComparer.Ordinal)
                    : new(StringComparer.Ordinal);
        }
        catch (JsonException ex)
        {
            _logger.LogWarning(ex, "Unreadable {Path}; every document is applied again from its chunk file", path);
        }
        return new(StringComparer.Ordinal);
    }

    private sealed record Applied(int Version, long Revision, string? CollectionId = null);
}
