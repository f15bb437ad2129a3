using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Models;
using Lucene.Net.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>The embedded index: Lucene BM25 over Korean bigrams plus brute-force cosine over chunk vectors, fused, under
/// {DataDir}/index. A document's replacement becomes visible to searches in one step for both halves, and is durable
/// (Lucene commit + vector log fsync, grouped across concurrent writers) before the call returns. With a shared vector
/// store (ChromaDB) the vectors live there instead, and only its hits whose chunk this index holds take part.</summary>
public sealed class HybridKnowledgeIndex : IKnowledgeIndex, ITermRarity, IDisposable
{
    private readonly LexicalIndex _lexical;
    private readonly VectorIndex _vectors;
    private readonly RetrievalOptions _options;
    private readonly ILogger _logger;
    private readonly ISharedVectorStore? _sharedVectors;
    private readonly string _root;
    private readonly QueryExpander? _expander;
    private readonly AnswerOptions _answers;

    // Writers are serialized; searches hold the read side of _visibility, and writes become visible under its write
    // side (Lucene reopen and vector swap together), so a search never sees one half updated and the other not.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _commitGate = new(1, 1);
    private readonly ReaderWriterLockSlim _visibility = new();
    private readonly Dictionary<string, VectorIndex.Entry?> _pending = new(StringComparer.Ordinal);
    // Changes to apply to the vector side together with the next Lucene reopen (moves between collections).
    private readonly List<Action> _publishActions = [];
    private volatile bool _dirty;
    private long _writeSequence, _durableSequence;
    private volatile bool _disposed;
    private readonly Timer _compaction;

    public HybridKnowledgeIndex(IOptions<KnowledgeBaseOptions> options, IOptions<RetrievalOptions>? retrieval = null,
        ILogger<HybridKnowledgeIndex>? logger = null, ISharedVectorStore? sharedVectors = null, QueryExpander? expander = null,
        IOptions<AnswerOptions>? answers = null)
    {
        _sharedVectors = sharedVectors;
        _expander = expander;
        _answers = answers?.Value ?? new AnswerOptions();
        _options = retrieval?.Value ?? new RetrievalOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var root = _root = Path.Combine(Path.GetFullPath(options.Value.DataDir), "index");
        var lexicalDir = Path.Combine(root, "lexical");
        System.IO.Directory.CreateDirectory(lexicalDir);
        _lexical = new LexicalIndex(FSDirectory.Open(new DirectoryInfo(lexicalDir)), _options, _answers);
        _vectors = new VectorIndex(Path.Combine(root, "vectors"));
        // A merge changes no document, only the segment layout; the next search picks it up through the usual publish.
        _lexical.MergeCompleted += () => _dirty = true;
        _compaction = new Timer(_ => _ = CompactAsync(), null, Timeout.Infinite, Timeout.Infinite);
        Reconcile();
        ScheduleCompaction();
    }

    /// <summary>Segments in the current search view (refreshed first unless a write is under way).</summary>
    public int SegmentCount
    {
        get
        {
            RefreshIfDirty();
            var searcher = _lexical.Acquire();
            try { return _lexical.SegmentCount(searcher); }
            finally { _lexical.Release(searcher); }
        }
    }

    public long ChunkCount
    {
        get
        {
            RefreshIfDirty();
            var searcher = _lexical.Acquire();
            try { return searcher.IndexReader.NumDocs; }
            finally { _lexical.Release(searcher); }
        }
    }

    public async Task ReplaceDocumentAsync(string documentId, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        if (chunks.Any(c => c.DocumentId != documentId))
            throw new ArgumentException($"Every chunk must belong to {documentId}.", nameof(chunks));
        var entry = chunks.Count == 0 || _sharedVectors is not null ? null : VectorIndex.Prepare(documentId, chunks);
        var aliases = _answers.DefinedTerms && chunks.Count > 0 ? DefinedTerms.Aliases(chunks) : null;
        await WriteAsync(documentId, entry, () => _lexical.Replace(documentId, chunks, aliases), cancellationToken);
    }

    public Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        return WriteAsync(documentId, null, () => _lexical.Delete(documentId), cancellationToken);
    }

    public async Task<bool> MoveDocumentAsync(string documentId, string collectionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        if (_dirty) await RefreshAsync(cancellationToken);
        var searcher = _lexical.Acquire();
        try { if (!_lexical.DocumentIds(searcher).Contains(documentId)) return false; }
        finally { _lexical.Release(searcher); }
        var key = CollectionKeys.Of(collectionId);
        await WriteAsync(documentId, null, () => _lexical.Move(documentId, collectionId), cancellationToken, vectorsUnchanged: true,
            published: () => _vectors.SetCollection(documentId, key));
        // Visible at once: a permission change must not wait for the next search to publish it.
        await RefreshAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<SearchHit>> GetChunksAsync(IReadOnlyList<string> chunkIds, IReadOnlyCollection<string>? collections,
        CancellationToken cancellationToken = default)
    {
        if (chunkIds.Count == 0 || collections is { Count: 0 }) return [];
        if (_dirty) await RefreshAsync(cancellationToken);
        var collectionKeys = collections is null ? null : CollectionKeys.Of(collections);
        _visibility.EnterReadLock();
        var searcher = _lexical.Acquire();
        try
        {
            var found = new Dictionary<string, int>(StringComparer.Ordinal);
            var hits = new List<SearchHit>(chunkIds.Count);
            foreach (var chunkId in chunkIds)
                if (Cached(chunkId, searcher, found) is { } c && (collectionKeys is null || collectionKeys.Contains(CollectionKeys.Of(c.Hit.CollectionId))))
                    hits.Add(c.Hit);
            return hits;
        }
        finally
        {
            _lexical.Release(searcher);
            _visibility.ExitReadLock();
        }
    }

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, ReadOnlyMemory<float> queryEmbedding, int topK,
        IReadOnlyList<string>? tags, IReadOnlyCollection<string>? collections, CancellationToken cancellationToken = default)
    {
        if (topK <= 0 || string.IsNullOrWhiteSpace(query) && queryEmbedding.IsEmpty || collections is { Count: 0 }) return [];
        if (_dirty) await RefreshAsync(cancellationToken);
        var tagSet = tags is { Count: > 0 } ? new HashSet<string>(tags, StringComparer.Ordinal) : null;
        var collectionKeys = collections is null ? null : CollectionKeys.Of(collections);
        var expansion = _expander is null || string.IsNullOrWhiteSpace(query) ? null : _expander.Expand(query);
        var candidates = Math.Max(_options.Candidates, topK * 2);
        var useVectors = !queryEmbedding.IsEmpty && _options.VectorWeight > 0;
        var shared = useVectors && _sharedVectors is not null
            ? await _sharedVectors.SearchAsync(queryEmbedding, tags, collections, candidates, cancellationToken)
            : null;

        _visibility.EnterReadLock();
        var searcher = _lexical.Acquire();
        try
        {
            IReadOnlyList<(int LuceneDoc, float Score, string ChunkId, string DocumentId)> lexical = [];
            List<(string ChunkId, string DocumentId, float Score)>? localVector = null;
            void SearchLexical() => lexical = string.IsNullOrWhiteSpace(query) ? [] : _lexical.Search(searcher, query, tags, collectionKeys, candidates, expansion);
            void SearchVectors() => localVector = _vectors.Search(queryEmbedding.Span, tagSet, collectionKeys, candidates);
            var local = useVectors && shared is null;
            // On a large index both searches take milliseconds: they run side by side (the calling thread runs one, and
            // both when no other thread is free). On a small one the hand-off would cost more than it saves.
            if (local && searcher.IndexReader.MaxDoc >= _options.ParallelSearchMinChunks) Parallel.Invoke(SearchLexical, SearchVectors);
            else
            {
                SearchLexical();
                if (local) SearchVectors();
            }
            var luceneDocs = lexical.ToDictionary(h => h.ChunkId, h => h.LuceneDoc, StringComparer.Ordinal);
            var vector = !useVectors ? []
                // Chroma filtered by collection already; its hits also count only when this silo's index holds the chunk in a
                // collection the caller may read (a move reaches Chroma and each silo's index separately).
                : shared is not null ? shared.Where(h => Cached(h.ChunkId, searcher, luceneDocs) is { } c
                    && (collectionKeys is null || collectionKeys.Contains(CollectionKeys.Of(c.Hit.CollectionId)))).ToList()
                : localVector!;
            var fused = Fusion.Fuse(lexical.Select(h => (h.ChunkId, h.DocumentId, h.Score)).ToList(), vector, _options);

            SearchHit? Load(string chunkId) => Cached(chunkId, searcher, luceneDocs)?.Hit;

            var reranked = ProximityReranker.Rerank(query, fused,
                id => Cached(id, searcher, luceneDocs) is { } c ? (c.RerankText, c.Heading) : null, _options, expansion?.Variants,
                _answers.TypedAnswer && !string.IsNullOrWhiteSpace(query) ? QuestionTypes.Detect(query) : QuestionType.Other);
            var picked = Fusion.CapPerDocument(reranked, topK, _options.MaxChunksPerDocument);
            var hits = new List<SearchHit>(picked.Count);
            foreach (var (chunkId, _, score) in picked)
                if (Load(chunkId) is { } hit) hits.Add(hit with { Score = Math.Round(Math.Max(score, 0), 4) });
            return hits;
        }
        finally
        {
            _lexical.Release(searcher);
            _visibility.ExitReadLock();
        }
    }

    public double Idf(string term)
    {
        if (_dirty) RefreshIfDirty();
        var searcher = _lexical.Acquire();
        try
        {
            var total = searcher.IndexReader.NumDocs;
            if (total == 0) return 0;
            var df = Math.Min(_lexical.TextDocFreq(searcher, term), total);
            return Math.Log(1 + (total - df + 0.5) / (df + 0.5));
        }
        finally { _lexical.Release(searcher); }
    }

    public bool Occurs(string term)
    {
        if (_dirty) RefreshIfDirty();
        var searcher = _lexical.Acquire();
        try { return _lexical.TextDocFreq(searcher, term) > 0; }
        finally { _lexical.Release(searcher); }
    }

    /// <summary>A chunk's stored fields, read from Lucene once and kept until the index changes: decompressing stored
    /// fields for every candidate of every query dominated query time.</summary>
    private sealed record CachedChunk(SearchHit Hit, string RerankText, string Heading);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CachedChunk?> _chunks = new(StringComparer.Ordinal);
    private const int MaxCachedChunks = 50_000;

    private CachedChunk? Cached(string chunkId, Lucene.Net.Search.IndexSearcher searcher, Dictionary<string, int> luceneDocs)
    {
        if (_chunks.TryGetValue(chunkId, out var cached)) return cached;
        var doc = luceneDocs.TryGetValue(chunkId, out var d) ? d : LexicalIndex.Find(searcher, chunkId);
        CachedChunk? chunk = null;
        if (doc >= 0)
        {
            var hit = LexicalIndex.Load(searcher, doc, 0, out var aliases) with { CollectionId = LexicalIndex.CollectionOf(searcher, doc) };
            var heading = hit.Section.Split(" > ")[^1];
            // Defined-term aliases count as the chunk's words for the reranker too.
            chunk = new CachedChunk(hit, Lower(aliases.Length == 0 ? hit.Section + "\n" + hit.Text : hit.Section + "\n" + hit.Text + "\n" + aliases), Lower(heading));
        }
        if (_chunks.Count >= MaxCachedChunks) _chunks.Clear();
        _chunks[chunkId] = chunk;
        return chunk;
    }

    private static string Lower(string text) => text.Normalize(System.Text.NormalizationForm.FormC).ToLowerInvariant();

    private async Task WriteAsync(string documentId, VectorIndex.Entry? entry, Action lexicalWrite, CancellationToken cancellationToken,
        bool vectorsUnchanged = false, Action? published = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long sequence;
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            lexicalWrite();
            if (!vectorsUnchanged)
            {
                _vectors.Log(documentId, entry);
                _pending[documentId] = entry;
            }
            if (published is not null) _publishActions.Add(published);
            sequence = ++_writeSequence;
            _dirty = true;
        }
        finally { _writeGate.Release(); }
        await EnsureDurableAsync(sequence);
    }

    /// <summary>Group commit: the first writer in line commits everything written so far; those behind it find their
    /// write already durable and return.</summary>
    private async Task EnsureDurableAsync(long sequence, bool compacted = false)
    {
        await _commitGate.WaitAsync();
        try
        {
            if (!compacted && Interlocked.Read(ref _durableSequence) >= sequence) return;
            long target;
            await _writeGate.WaitAsync();
            try
            {
                target = _writeSequence;
                _vectors.Flush();
            }
            finally { _writeGate.Release(); }
            _lexical.Commit();
            Interlocked.Exchange(ref _durableSequence, target);
        }
        finally { _commitGate.Release(); }
        if (!compacted) ScheduleCompaction();
    }

    /// <summary>Each write moves the compaction to <see cref="RetrievalOptions.CompactAfterQuiet"/> from now, so a bulk
    /// upload is merged once, after its last document.</summary>
    private void ScheduleCompaction()
    {
        if (_options.CompactMaxChunks <= 0 || _disposed) return;
        try { _compaction.Change(_options.CompactAfterQuiet, Timeout.InfiniteTimeSpan); }
        catch (ObjectDisposedException) { /* closing */ }
    }

    private async Task CompactAsync()
    {
        try
        {
            if (_disposed || !await Task.Run(() => _lexical.CompactIfSmall(_options.CompactMaxChunks))) return;
            // The merged segment is made durable like a write (vectors flushed, Lucene committed); searches switch to it
            // at their next refresh (the merge marked the index changed).
            await EnsureDurableAsync(Interlocked.Read(ref _writeSequence), compacted: true);
        }
        catch (Exception) when (_disposed)
        {
            // The index closed during the merge; Lucene finishes or drops it on close.
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Merging the index into one segment failed; searches go on over the segments as they are");
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try { PublishPending(); }
        finally { _writeGate.Release(); }
    }

    /// <summary>Publishes pending writes when no writer holds the gate; never waits for one (the counts are read from
    /// property getters, which may run on a grain's turn or a request thread).</summary>
    private void RefreshIfDirty()
    {
        if (!_dirty || !_writeGate.Wait(0)) return;
        try { PublishPending(); }
        finally { _writeGate.Release(); }
    }

    /// <summary>Called with the write gate held: no writer is half-way, so Lucene's reopen and the vector swap show the
    /// same set of documents.</summary>
    private void PublishPending()
    {
        if (!_dirty) return;
        _visibility.EnterWriteLock();
        try
        {
            _lexical.Refresh();
            _vectors.Apply(_pending);
            _pending.Clear();
            foreach (var action in _publishActions) action();
            _publishActions.Clear();
            _chunks.Clear();
            _dirty = false;
        }
        finally { _visibility.ExitWriteLock(); }
    }

    /// <summary>After a crash between the Lucene commit and the vector fsync the two can disagree; vectors of documents
    /// Lucene does not have are dropped (documents without vectors are still found lexically).</summary>
    private void Reconcile()
    {
        var searcher = _lexical.Acquire();
        try
        {
            var lexicalDocs = _lexical.DocumentIds(searcher);
            var orphans = _vectors.DocumentIds.Where(id => !lexicalDocs.Contains(id)).ToList();
            if (orphans.Count > 0)
            {
                _logger.LogWarning("Dropping vectors of {Count} documents missing from the lexical index", orphans.Count);
                foreach (var id in orphans) _vectors.Log(id, null);
                _vectors.Apply(orphans.Select(id => new KeyValuePair<string, VectorIndex.Entry?>(id, null)));
                _vectors.Flush();
            }
            // The vector log keeps no collections: each document's is read from the lexical index.
            foreach (var (documentId, key) in _lexical.DocumentCollections(searcher)) _vectors.SetCollection(documentId, key);
            var missing = lexicalDocs.Count - (_vectors.DocumentIds.Count);
            if (missing > 0 && _sharedVectors is null)
                _logger.LogWarning("{Count} documents have no vectors; they are found by keywords only until re-ingested", missing);
            _logger.LogInformation("Index loaded: {Chunks} chunks, {Vectors} vectors", searcher.IndexReader.NumDocs, _vectors.ChunkCount);
        }
        finally { _lexical.Release(searcher); }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _compaction.Dispose();
        _writeGate.Wait();
        try
        {
            _vectors.Flush();
            _lexical.Commit();
            _lexical.Dispose();
            _vectors.Dispose();
        }
        finally { _writeGate.Release(); }
        _visibility.Dispose();
    }

    /// <summary>Copies a consistent copy of the index into target (lexical/ with the files of the last Lucene commit,
    /// vectors/vectors.log): writers wait while it runs, searches do not. Backups call this.</summary>
    public async Task SnapshotAsync(string target, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _commitGate.WaitAsync(cancellationToken);
        try
        {
            await _writeGate.WaitAsync(cancellationToken);
            try
            {
                _vectors.Flush();
                _lexical.Commit();
                Interlocked.Exchange(ref _durableSequence, _writeSequence);
                CopyCommitted(_root, target);
            }
            finally { _writeGate.Release(); }
        }
        finally { _commitGate.Release(); }
    }

    /// <summary>Lucene files are written once and a commit names exactly the files it needs, so copying those (and
    /// the vector log, flushed first) gives a whole index even while merges run.</summary>
    public static void CopyCommitted(string indexRoot, string target)
    {
        var lexical = Path.Combine(indexRoot, "lexical");
        var lexicalTarget = Path.Combine(target, "lexical");
        System.IO.Directory.CreateDirectory(lexicalTarget);
        using (var directory = FSDirectory.Open(new DirectoryInfo(lexical)))
        {
            var commit = new Lucene.Net.Index.SegmentInfos();
            commit.Read(directory);
            foreach (var file in commit.GetFiles(directory, includeSegmentsFile: true))
                CopyShared(Path.Combine(lexical, file), Path.Combine(lexicalTarget, file));
        }
        var vectorsTarget = Path.Combine(target, "vectors");
        System.IO.Directory.CreateDirectory(vectorsTarget);
        var log = Path.Combine(indexRoot, "vectors", "vectors.log");
        if (File.Exists(log)) CopyShared(log, Path.Combine(vectorsTarget, "vectors.log"));
    }

    private static void CopyShared(string source, string destination)
    {
        using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var output = new FileStream(destination, FileMode.Create, FileAccess.Write);
        input.CopyTo(output);
    }
}
