using System.Text;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>An in-process, brute-force cosine index over int8-quantized chunk vectors, persisted as an append-only log
/// (compacted on open) so that start-up reloads without re-embedding. Each document's vectors are one immutable entry,
/// swapped whole, so a search never sees half of a document's update. Thread-safe.</summary>
public sealed class VectorIndex : IDisposable
{
    private const string Magic = "KBVEC1";
    private const byte PutRecord = 1, DeleteRecord = 2;

    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Dictionary<string, int> _slotOf = new(StringComparer.Ordinal);
    private readonly Stack<int> _free = new();
    private readonly string _logPath;
    private Entry?[] _slots = new Entry?[256];
    private int _used;
    private FileStream _log;
    private BinaryWriter _writer;
    private long _chunks;

    /// <summary>One document's chunk vectors: contiguous int8 codes (chunk i at i * Dimensions) with one scale per chunk.</summary>
    public sealed record Entry(string DocumentId, int Dimensions, string[] ChunkIds, string[][] Tags, sbyte[] Codes, float[] Scales)
    {
        /// <summary>One sign bit per dimension (chunk i at i * <see cref="SignWords"/>), derived from the codes: the
        /// coarse first pass of a search in a large index compares these by Hamming distance.</summary>
        public ulong[] Signs { get; } = VectorMath.SignBits(Codes, Dimensions);

        public int SignWords => (Dimensions + 63) / 64;

        /// <summary>The document's collection key (see <see cref="CollectionKeys"/>); not in the log, set from the
        /// chunks and, after a restart, from the lexical index.</summary>
        public long Collection { get; set; }
    }

    public VectorIndex(string directory)
    {
        Directory.CreateDirectory(directory);
        _logPath = Path.Combine(directory, "vectors.log");
        var (entries, records) = Load(_logPath);
        foreach (var entry in entries.Values) Put(entry);
        if (records > entries.Count * 2 + 16 || !File.Exists(_logPath))
            Compact(entries.Values);
        _log = new FileStream(_logPath, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
        _writer = new BinaryWriter(_log, Encoding.UTF8, leaveOpen: true);
    }

    public long ChunkCount => Interlocked.Read(ref _chunks);

    public IReadOnlyCollection<string> DocumentIds
    {
        get
        {
            _lock.EnterReadLock();
            try { return _slotOf.Keys.ToList(); }
            finally { _lock.ExitReadLock(); }
        }
    }

    /// <summary>Quantizes a document's chunks into an entry, outside any lock.</summary>
    public static Entry Prepare(string documentId, IReadOnlyList<IndexedChunk> chunks)
    {
        var dimensions = chunks.Count == 0 ? 0 : chunks[0].Embedding.Length;
        var codes = new sbyte[dimensions * chunks.Count];
        var scales = new float[chunks.Count];
        for (var i = 0; i < chunks.Count; i++)
        {
            var vector = chunks[i].Embedding.Span;
            if (vector.Length != dimensions)
                throw new ArgumentException($"Chunk {chunks[i].ChunkId} has {vector.Length} dimensions, expected {dimensions}.");
            var norm = VectorMath.Norm(vector);
            // Stored unit-length so that a dot product is the cosine.
            var unit = norm > 0 ? vector.ToArray().Select(v => v / norm).ToArray() : new float[dimensions];
            scales[i] = VectorMath.Quantize(unit, codes.AsSpan(i * dimensions, dimensions));
        }
        return new Entry(documentId, dimensions, chunks.Select(c => c.ChunkId).ToArray(),
            chunks.Select(c => c.Tags.ToArray()).ToArray(), codes, scales) { Collection = chunks.Count == 0 ? 0 : CollectionKeys.Of(chunks[0].CollectionId) };
    }

    /// <summary>Puts a document's vectors in another collection (no-op when it has none here).</summary>
    public void SetCollection(string documentId, long collection)
    {
        _lock.EnterWriteLock();
        try
        {
            if (_slotOf.TryGetValue(documentId, out var slot) && _slots[slot] is { } entry) entry.Collection = collection;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Appends the change to the log (buffered; <see cref="Flush"/> makes it durable). Callers serialize writes.</summary>
    public void Log(string documentId, Entry? entry)
    {
        lock (_writer)
            WriteRecord(_writer, documentId, entry);
    }

    public void Flush()
    {
        lock (_writer)
        {
            _writer.Flush();
            _log.Flush(flushToDisk: true);
        }
    }

    /// <summary>Makes a batch of changes visible at once (null removes the document).</summary>
    public void Apply(IEnumerable<KeyValuePair<string, Entry?>> changes)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (var (documentId, entry) in changes)
            {
                Remove(documentId);
                if (entry is not null && entry.ChunkIds.Length > 0) Put(entry);
            }
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>The best chunks by cosine similarity, optionally only those carrying any of <paramref name="tags"/>.</summary>
    public List<(string ChunkId, string DocumentId, float Score)> Search(ReadOnlySpan<float> query, IReadOnlySet<string>? tags,
        IReadOnlySet<long>? collections, int count)
    {
        var result = new List<(string, string, float)>();
        var norm = VectorMath.Norm(query);
        if (count <= 0 || norm == 0) return result;
        var q = new sbyte[query.Length];
        var unit = new float[query.Length];
        for (var i = 0; i < unit.Length; i++) unit[i] = query[i] / norm;
        var qScale = VectorMath.Quantize(unit, q);

        PriorityQueue<(Entry Entry, int Chunk), float> heap;
        _lock.EnterReadLock();
        try
        {
            heap = Interlocked.Read(ref _chunks) < CoarseScanChunks
                ? Scan(q, qScale, tags, collections, count)
                : Rescore(CoarseScan(VectorMath.SignBits(q, q.Length), q.Length, tags, collections, Math.Max(count * 8, CoarseCandidates)), q, qScale, count);
        }
        finally { _lock.ExitReadLock(); }

        while (heap.TryDequeue(out var item, out var score))
            result.Add((item.Entry.ChunkIds[item.Chunk], item.Entry.DocumentId, score));
        result.Reverse();
        return result;
    }

    /// <summary>From this many chunks on, a search first ranks all chunks by the Hamming distance of their sign bits
    /// (64 dimensions per instruction) and computes the int8 cosine only for the closest <see cref="CoarseCandidates"/>:
    /// the full int8 scan was most of a query's time at 100k chunks.</summary>
    private const long CoarseScanChunks = 40_000;
    private const int CoarseCandidates = 500;

    /// <summary>Every chunk's sign bits in one contiguous array (and which entry and chunk each row is), rebuilt on the
    /// first search after a change. Walking the entries instead meant two cache misses per document; at 80k documents
    /// that memory latency, not the arithmetic, was the cost of the scan.</summary>
    private sealed record SignTable(int Dimensions, int Words, ulong[] Signs, Entry[] Entries, int[] Chunks);

    private SignTable? _signTable;
    private readonly Lock _signTableGate = new();

    /// <summary>Called under the read lock; writers (under the write lock) drop the table.</summary>
    private SignTable Signs(int dimensions)
    {
        var table = _signTable;
        if (table is not null && table.Dimensions == dimensions) return table;
        lock (_signTableGate)
        {
            table = _signTable;
            if (table is not null && table.Dimensions == dimensions) return table;
            var words = (dimensions + 63) / 64;
            var rows = 0;
            for (var s = 0; s < _used; s++)
                if (_slots[s] is { } e && e.Dimensions == dimensions) rows += e.ChunkIds.Length;
            var signs = new ulong[rows * words];
            var entries = new Entry[rows];
            var chunks = new int[rows];
            var row = 0;
            for (var s = 0; s < _used; s++)
            {
                if (_slots[s] is not { } e || e.Dimensions != dimensions) continue;
                e.Signs.CopyTo(signs, row * words);
                for (var c = 0; c < e.ChunkIds.Length; c++, row++)
                {
                    entries[row] = e;
                    chunks[row] = c;
                }
            }
            return _signTable = new SignTable(dimensions, words, signs, entries, chunks);
        }
    }

    /// <summary>The chunks whose sign bits are closest to the query's, closest last. Called under the read lock.</summary>
    private PriorityQueue<(Entry Entry, int Chunk), int> CoarseScan(ulong[] querySigns, int dimensions, IReadOnlySet<string>? tags,
        IReadOnlySet<long>? collections, int count)
    {
        // Larger distance = worse; the heap keeps the count smallest distances with the largest on top.
        var heap = new PriorityQueue<(Entry Entry, int Chunk), int>(count + 1, Comparer<int>.Create((a, b) => b.CompareTo(a)));
        var table = Signs(dimensions);
        var words = table.Words;
        var signs = table.Signs;
        var worst = int.MaxValue;
        for (var row = 0; row < table.Entries.Length; row++)
        {
            var distance = 0;
            var offset = row * words;
            for (var w = 0; w < words; w++) distance += System.Numerics.BitOperations.PopCount(signs[offset + w] ^ querySigns[w]);
            if (distance >= worst && heap.Count >= count) continue;
            var (entry, c) = (table.Entries[row], table.Chunks[row]);
            if (collections is not null && !collections.Contains(entry.Collection)) continue;
            if (tags is not null && !entry.Tags[c].Any(tags.Contains)) continue;
            if (heap.Count < count) heap.Enqueue((entry, c), distance);
            else heap.EnqueueDequeue((entry, c), distance);
            if (heap.Count >= count) heap.TryPeek(out _, out worst);
        }
        return heap;
    }

    private static PriorityQueue<(Entry Entry, int Chunk), float> Rescore(PriorityQueue<(Entry Entry, int Chunk), int> coarse, sbyte[] q, float qScale, int count)
    {
        var heap = new PriorityQueue<(Entry Entry, int Chunk), float>(count + 1);
        while (coarse.TryDequeue(out var item, out _))
        {
            var (entry, c) = item;
            var d = entry.Dimensions;
            Offer(heap, item, VectorMath.Dot(entry.Codes.AsSpan(c * d, d), q) * entry.Scales[c] * qScale, count);
        }
        return heap;
    }

    /// <summary>The best <paramref name="count"/> chunks of all, lowest score first (the exact scan of a small index).
    /// Called under the read lock.</summary>
    private PriorityQueue<(Entry Entry, int Chunk), float> Scan(sbyte[] q, float qScale, IReadOnlySet<string>? tags, IReadOnlySet<long>? collections, int count)
    {
        var heap = new PriorityQueue<(Entry Entry, int Chunk), float>(count + 1);
        for (var s = 0; s < _used; s++)
        {
            var entry = _slots[s];
            if (entry is null || entry.Dimensions != q.Length) continue;
            if (collections is not null && !collections.Contains(entry.Collection)) continue;
            var d = entry.Dimensions;
            for (var c = 0; c < entry.ChunkIds.Length; c++)
            {
                if (tags is not null && !entry.Tags[c].Any(tags.Contains)) continue;
                var score = VectorMath.Dot(entry.Codes.AsSpan(c * d, d), q) * entry.Scales[c] * qScale;
                Offer(heap, (entry, c), score, count);
            }
        }
        return heap;
    }

    private static void Offer(PriorityQueue<(Entry Entry, int Chunk), float> heap, (Entry, int) item, float score, int count)
    {
        if (heap.Count < count) heap.Enqueue(item, score);
        else if (heap.TryPeek(out _, out var lowest) && score > lowest) heap.EnqueueDequeue(item, score);
    }

    private void Put(Entry entry)
    {
        _signTable = null;
        if (!_free.TryPop(out var slot))
        {
            if (_used == _slots.Length) Array.Resize(ref _slots, _slots.Length * 2);
            slot = _used++;
        }
        _slots[slot] = entry;
        _slotOf[entry.DocumentId] = slot;
        Interlocked.Add(ref _chunks, entry.ChunkIds.Length);
    }

    private void Remove(string documentId)
    {
        _signTable = null;
        if (!_slotOf.Remove(documentId, out var slot)) return;
        Interlocked.Add(ref _chunks, -_slots[slot]!.ChunkIds.Length);
        _slots[slot] = null;
        _free.Push(slot);
    }

    private static void WriteRecord(BinaryWriter writer, string documentId, Entry? entry)
    {
        writer.Write(entry is null ? DeleteRecord : PutRecord);
        writer.Write(documentId);
        if (entry is null) return;
        writer.Write(entry.Dimensions);
        writer.Write(entry.ChunkIds.Length);
        for (var c = 0; c < entry.ChunkIds.Length; c++)
        {
            writer.Write(entry.ChunkIds[c]);
            writer.Write(entry.Tags[c].Length);
            foreach (var tag in entry.Tags[c]) writer.Write(tag);
            writer.Write(entry.Scales[c]);
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(entry.Codes.AsSpan(c * entry.Dimensions, entry.Dimensions)));
        }
    }

    /// <summary>Replays the log; a torn last record (crash mid-write) is dropped.</summary>
    private static (Dictionary<string, Entry> Entries, int Records) Load(string path)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var records = 0;
        if (!File.Exists(path)) return (entries, 0);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        if (stream.Length < Magic.Length + 1 || reader.ReadString() != Magic)
            throw new InvalidDataException($"{path} is not a vector log.");
        long good = stream.Position;
        try
        {
            while (stream.Position < stream.Length)
            {
                var kind = reader.ReadByte();
                var documentId = reader.ReadString();
                if (kind == DeleteRecord)
                    entries.Remove(documentId);
                else if (kind == PutRecord)
                    entries[documentId] = ReadEntry(reader, documentId);
                else
                    throw new InvalidDataException($"Unknown record {kind} in {path}.");
                records++;
                good = stream.Position;
            }
        }
        catch (EndOfStreamException)
        {
            stream.Dispose();
            using var truncate = new FileStream(path, FileMode.Open, FileAccess.Write);
            truncate.SetLength(good);
        }
        return (entries, records);
    }

    private static Entry ReadEntry(BinaryReader reader, string documentId)
    {
        var dimensions = reader.ReadInt32();
        var count = reader.ReadInt32();
        var ids = new string[count];
        var tags = new string[count][];
        var scales = new float[count];
        var codes = new sbyte[count * dimensions];
        for (var c = 0; c < count; c++)
        {
            ids[c] = reader.ReadString();
            tags[c] = new string[reader.ReadInt32()];
            for (var t = 0; t < tags[c].Length; t++) tags[c][t] = reader.ReadString();
            scales[c] = reader.ReadSingle();
            reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(codes.AsSpan(c * dimensions, dimensions)));
        }
        return new Entry(documentId, dimensions, ids, tags, codes, scales);
    }

    /// <summary>Rewrites the log with only the live entries, then swaps it in atomically.</summary>
    private void Compact(IEnumerable<Entry> entries)
    {
        var temp = _logPath + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var writer = new BinaryWriter(stream, Encoding.UTF8))
        {
            writer.Write(Magic);
            foreach (var entry in entries) WriteRecord(writer, entry.DocumentId, entry);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, _logPath, overwrite: true);
    }

    public void Dispose()
    {
        lock (_writer)
        {
            _writer.Flush();
            _log.Flush(flushToDisk: true);
            _writer.Dispose();
            _log.Dispose();
        }
        _lock.Dispose();
    }
}
