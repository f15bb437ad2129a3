using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using KnowledgeBase.Grains.Storage;

namespace KnowledgeBase.Grains.Retrieval.Replication;

/// <summary>A document's indexed chunks (text, metadata, embedding) at one revision: what any silo needs to index the
/// document without parsing or embedding it again.</summary>
public sealed record ChunkFile(string DocumentId, int Version, long Revision, IReadOnlyList<IndexedChunk> Chunks);

/// <summary>Chunk files in the blob store (S3 or STORAGE_DIR) as gzip JSON under chunks/{documentId}/v{version}.json.gz;
/// embeddings are stored as base64 little-endian float32.</summary>
public sealed class ChunkFiles(IBlobStore blobs)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Key(string documentId, int version) => $"chunks/{documentId}/v{version}.json.gz";

    public Task WriteAsync(ChunkFile file, CancellationToken cancellationToken = default)
        => WriteAsync(Key(file.DocumentId, file.Version), file, cancellationToken);

    /// <summary>Writes a chunk file under another key (ingestion keeps its embedded chunks this way until they are indexed).</summary>
    public async Task WriteAsync(string key, ChunkFile file, CancellationToken cancellationToken = default)
    {
        var stored = new StoredFile(file.DocumentId, file.Version, file.Revision, file.Chunks.Select(c => new StoredChunk(
            c.ChunkId, c.FileName, c.Title, c.Section, c.Page, c.Text, c.Tags, MemoryMarshal.AsBytes(c.Embedding.Span).ToArray())).ToList());
        var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            await JsonSerializer.SerializeAsync(gzip, stored, Json, cancellationToken);
        buffer.Position = 0;
        await blobs.PutAsync(key, buffer, "application/gzip", cancellationToken);
    }

    /// <summary>The chunk file, or null when none is stored for this version.</summary>
    public Task<ChunkFile?> ReadAsync(string documentId, int version, CancellationToken cancellationToken = default)
        => ReadAsync(Key(documentId, version), cancellationToken);

    public async Task<ChunkFile?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var content = await blobs.OpenReadAsync(key, cancellationToken);
        if (content is null) return null;
        await using var gzip = new GZipStream(content, CompressionMode.Decompress);
        var stored = await JsonSerializer.DeserializeAsync<StoredFile>(gzip, Json, cancellationToken)
            ?? throw new InvalidDataException($"Empty chunk file {key}.");
        return new ChunkFile(stored.DocumentId, stored.Version, stored.Revision, stored.Chunks.Select(c => new IndexedChunk(
            c.ChunkId, stored.DocumentId, c.FileName, c.Title, c.Section, c.Page, c.Text, c.Tags,
            MemoryMarshal.Cast<byte, float>(c.Embedding).ToArray())).ToList());
    }

    public Task DeleteAsync(string documentId, int version, CancellationToken cancellationToken = default)
        => blobs.DeleteAsync(Key(documentId, version), cancellationToken);

    private sealed record StoredFile(string DocumentId, int Version, long Revision, List<StoredChunk> Chunks);

    private sealed record StoredChunk(string ChunkId, string FileName, string Title, string Section, int? Page, string Text,
        IReadOnlyList<string> Tags, byte[] Embedding);
}
