using System.Buffers.Binary;
using System.IO.Compression;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>Opens ZIP-based documents only after checking them for decompression bombs, by the declared sizes and by the bytes that really come out.</summary>
public static class SafeZip
{
    public const long MaxTotalUncompressedBytes = 200L * 1024 * 1024;
    public const int MaxEntries = 10_000;
    public const long MaxCompressionRatio = 100;
    public const long RatioCheckedAboveBytes = 1024 * 1024;

    public static bool IsZip(ReadOnlySpan<byte> bytes) => bytes.Length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;

    /// <summary>An archive whose every entry has been inflated once and found to be what its header says.</summary>
    public static ZipArchive OpenVerified(byte[] bytes)
    {
        ZipArchive archive;
        try { archive = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read); }
        catch (InvalidDataException ex) { throw DocumentRejections.Corrupt("ZIP", ex); }

        try
        {
            CheckDeclared(archive);
            CheckActual(bytes);
            return archive;
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    private static void CheckDeclared(ZipArchive archive)
    {
        if (archive.Entries.Count > MaxEntries)
            throw DocumentRejections.ZipBomb($"{archive.Entries.Count} entries, more than {MaxEntries}");
        long total = 0;
        foreach (var entry in archive.Entries)
        {
            total += entry.Length;
            if (total > MaxTotalUncompressedBytes)
                throw DocumentRejections.ZipBomb($"declared uncompressed size over {MaxTotalUncompressedBytes / (1024 * 1024)} MB");
            if (entry.Length > RatioCheckedAboveBytes && entry.Length / Math.Max(1, entry.CompressedLength) > MaxCompressionRatio)
                throw DocumentRejections.ZipBomb($"entry '{entry.FullName}' expands more than {MaxCompressionRatio}:1");
        }
    }

    // Headers can lie. ZipArchive stops reading at the declared size, which hides the lie; so inflate each entry's raw
    // data ourselves, located through the central directory, and stop at the first byte past what its header declares.
    private static void CheckActual(byte[] bytes)
    {
        var span = bytes.AsSpan();
        var eocd = span.LastIndexOf("PK\u0005\u0006"u8);
        if (eocd < 0 || eocd + 22 > bytes.Length) return;
        var count = BinaryPrimitives.ReadUInt16LittleEndian(span[(eocd + 10)..]);
        var position = (long)BinaryPrimitives.ReadUInt32LittleEndian(span[(eocd + 16)..]);
        var buffer = new byte[81920];
        long total = 0;
        for (var i = 0; i < count && position + 46 <= bytes.Length; i++)
        {
            var header = span[(int)position..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != 0x02014b50) return;
            var method = BinaryPrimitives.ReadUInt16LittleEndian(header[10..]);
            var compressed = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
            var declared = BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header[30..]);
            var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(header[32..]);
            var local = (long)BinaryPrimitives.ReadUInt32LittleEndian(header[42..]);
            position += 46 + nameLength + extraLength + commentLength;

            // Zip64 sizes (0xFFFFFFFF) are left to ZipArchive, which never reads past the declared length.
            if (method != 8 || compressed == uint.MaxValue || declared == uint.MaxValue || local + 30 > bytes.Length) continue;
            var dataStart = local + 30 + BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(local + 26)..]) + BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(local + 28)..]);
            if (dataStart + compressed > bytes.Length) continue;

            using var inflater = new DeflateStream(new MemoryStream(bytes, (int)dataStart, (int)compressed, writable: false), CompressionMode.Decompress);
            long produced = 0;
            int read;
            while ((read = inflater.Read(buffer, 0, buffer.Length)) > 0)
            {
                produced += read;
                total += read;
                if (produced > declared)
                    throw DocumentRejections.ZipBomb($"an entry inflates past its declared size of {declared} bytes");
                if (total > MaxTotalUncompressedBytes)
                    throw DocumentRejections.ZipBomb($"uncompressed content over {MaxTotalUncompressedBytes / (1024 * 1024)} MB");
            }
        }
    }

    public static ZipArchiveEntry? Find(ZipArchive archive, string name) =>
        archive.Entries.FirstOrDefault(e => string.Equals(e.FullName.TrimStart('/'), name, StringComparison.OrdinalIgnoreCase));

    public static string ReadText(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }
}
