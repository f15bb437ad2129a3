using System.Text.Json;
using KnowledgeBase.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Retrieval.Replication;

/// <summary>This silo's index (under DATA_DIR) with the revision applied per document, kept in
/// {DATA_DIR}/index/replication.json (written after the index change is durable; after a crash the few documents not yet
/// recorded are applied again, which is harmless), so a restarted silo catches up on the difference only.</summary>
public sealed class LocalIndex
{
    private readonly IKnowledgeIndex _index;
    private readonly ILogger _logger;
    private readonly string _statePath;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, Applied> _applied;
    // Revisions whose chunk file is missing (deleted meanwhile): tried once per revision, not on every sync.
    private readonly Dictionary<string, long> _missing = new(StringComparer.Ordinal);
    private long _documentsApplied;
    private volatile bool _unsaved;

    public LocalIndex(IKnowledgeIndex index, IOptions<KnowledgeBaseOptions> options, ILogger<LocalIndex> logger)
    {
        _index = index;
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

    public IReadOnlyList<string> DocumentIds
    {
        get
        {
            lock (_applied) return _applied.Keys.ToList();
        }
    }

    /// <summary>Documents this silo has indexed (directly or from chunk files) since it started.</summary>
    public long DocumentsApplied => Interlocked.Read(ref _documentsApplied);

    public bool HasUnsavedChanges => _unsaved;

    public bool Needs(string documentId, long revision)
    {
        lock (_missing)
            if (_missing.TryGetValue(documentId, out var missing) && missing == revision) return false;
        lock (_applied) return !_applied.TryGetValue(documentId, out var applied) || applied.Revision != revision;
    }

    public void MarkMissing(string documentId, long revision)
    {
        lock (_missing) _missing[documentId] = revision;
    }

    /// <summary>Indexes a document at a revision; an older revision never overwrites a newer one (a slow replica read
    /// racing a direct apply).</summary>
    public async Task ApplyAsync(string documentId, int version, long revision, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            lock (_applied)
                if (_applied.TryGetValue(documentId, out var current) && current.Revision > revision) return;
            await _index.ReplaceDocumentAsync(documentId, chunks, cancellationToken);
            lock (_applied) _applied[documentId] = new Applied(version, revision);
            Interlocked.Increment(ref _documentsApplied);
            _unsaved = true;
        }
        finally { _gate.Release(); }
    }

    public async Task RemoveAsync(string documentId, CancellationToken cancellationToken = default)
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

    public async Task SaveAsync()
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

    private sealed record Applied(int Version, long Revision);
}
