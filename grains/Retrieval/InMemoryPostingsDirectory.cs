using Lucene.Net.Store;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>Lucene's NIO file directory that keeps the files a query reads in memory. A query looks up every term of
/// every field in every segment and reads its postings; through file reads that meant a positioned read (a system
/// call and a stream lock) per buffer refill, which was the largest single cost of a search. Terms dictionaries,
/// postings, norms and doc values are loaded whole when a segment is opened (Lucene files are written once and never
/// change), so queries read them from an array. Stored text and positions, which a query does not touch, and files
/// too large for one array stay on disk behind larger read buffers than Lucene's default 1 KB.</summary>
public sealed class InMemoryPostingsDirectory(DirectoryInfo path, int bufferSize = 8192) : NIOFSDirectory(path)
{
    private const long MaxInMemoryBytes = 1L << 30;

    // Terms (tim, tip), postings (doc), norms (nvd, nvm), doc values (dvd, dvm) and the compound files of small segments.
    private static readonly HashSet<string> HotExtensions = new(StringComparer.Ordinal) { "tim", "tip", "doc", "nvd", "nvm", "dvd", "dvm", "cfs" };

    public override IndexInput OpenInput(string name, IOContext context)
    {
        if (IsHot(name) && TryLoad(name) is { } bytes) return new ArrayIndexInput(name, bytes, 0, bytes.Length);
        var input = base.OpenInput(name, context);
        if (input is BufferedIndexInput buffered) buffered.SetBufferSize(bufferSize);
        return input;
    }

    /// <summary>Compound files are read through slices; a hot one is sliced out of its in-memory copy.</summary>
    public override IndexInputSlicer CreateSlicer(string name, IOContext context)
    {
        if (IsHot(name) && TryLoad(name) is { } bytes) return new ArraySlicer(name, bytes);
        return base.CreateSlicer(name, context);
    }

    private static bool IsHot(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot >= 0 && HotExtensions.Contains(name[(dot + 1)..]);
    }

    private byte[]? TryLoad(string name)
    {
        EnsureOpen();
        var file = new FileInfo(System.IO.Path.Combine(Directory.FullName, name));
        if (!file.Exists) throw new FileNotFoundException($"Lucene file {name} does not exist.", file.FullName);
        return file.Length > MaxInMemoryBytes ? null : File.ReadAllBytes(file.FullName);
    }

    private sealed class ArraySlicer(string name, byte[] bytes) : IndexInputSlicer
    {
        public override IndexInput OpenSlice(string sliceDescription, long offset, long length)
        {
            if (offset < 0 || length < 0 || offset + length > bytes.Length)
                throw new ArgumentOutOfRangeException(nameof(offset), $"Slice {sliceDescription} [{offset}, +{length}) is outside {name} ({bytes.Length} bytes).");
            return new ArrayIndexInput($"{name} [slice={sliceDescription}]", bytes, (int)offset, (int)length);
        }

        [Obsolete("Only for reading CFS files from 3.x indexes.")]
        public override IndexInput OpenFullSlice() => OpenSlice("full", 0, bytes.Length);

        protected override void Dispose(bool disposing) { }
    }
}

/// <summary>An index input over a range of a byte array; clones share the array and keep their own position.</summary>
internal sealed class ArrayIndexInput : IndexInput
{
    private readonly byte[] _bytes;
    private readonly int _start, _end;
    private int _position;

    public ArrayIndexInput(string description, byte[] bytes, int start, int length) : base(description)
    {
        _bytes = bytes;
        _start = _position = start;
        _end = start + length;
    }

    public override long Length => _end - _start;

    public override long Position => _position - _start;

    public override void Seek(long pos)
    {
        if (pos < 0 || pos > _end - _start) throw new EndOfStreamException($"Seek to {pos} outside {this} ({_end - _start} bytes).");
        _position = _start + (int)pos;
    }

    public override byte ReadByte()
    {
        if (_position >= _end) throw new EndOfStreamException($"Read past the end of {this}.");
        return _bytes[_position++];
    }

    public override void ReadBytes(byte[] b, int offset, int len)
    {
        if (len > _end - _position) throw new EndOfStreamException($"Read of {len} bytes past the end of {this}.");
        Buffer.BlockCopy(_bytes, _position, b, offset, len);
        _position += len;
    }

    public override short ReadInt16()
    {
        if (_end - _position < 2) return base.ReadInt16();
        var value = (short)((_bytes[_position] << 8) | _bytes[_position + 1]);
        _position += 2;
        return value;
    }

    public override int ReadInt32()
    {
        if (_end - _position < 4) return base.ReadInt32();
        var value = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(_bytes.AsSpan(_position, 4));
        _position += 4;
        return value;
    }

    public override long ReadInt64()
    {
        if (_end - _position < 8) return base.ReadInt64();
        var value = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(_bytes.AsSpan(_position, 8));
        _position += 8;
        return value;
    }

    public override int ReadVInt32()
    {
        if (_end - _position < 5) return base.ReadVInt32();
        var b = _bytes[_position++];
        var value = b & 0x7F;
        for (var shift = 7; b >= 0x80; shift += 7)
        {
            if (shift > 28) throw new IOException($"Invalid vInt in {this}.");
            b = _bytes[_position++];
            value |= (b & 0x7F) << shift;
        }
        return value;
    }

    public override long ReadVInt64()
    {
        if (_end - _position < 9) return base.ReadVInt64();
        var b = _bytes[_position++];
        long value = b & 0x7F;
        for (var shift = 7; b >= 0x80; shift += 7)
        {
            if (shift > 56) throw new IOException($"Invalid vLong in {this}.");
            b = _bytes[_position++];
            value |= (long)(b & 0x7F) << shift;
        }
        return value;
    }

    public override object Clone() => (ArrayIndexInput)MemberwiseClone();

    protected override void Dispose(bool disposing) { }
}
