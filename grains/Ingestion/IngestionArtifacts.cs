using System.IO.Compression;
using System.Text.Json;
using KnowledgeBase.Grains.Retrieval;
using KnowledgeBase.Grains.Retrieval.Replication;
using KnowledgeBase.Grains.Storage;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>The outputs of finished ingestion steps in the blob store, under ingestion/{documentId}/v{version}/, so a
/// run that stopped (a silo died, a model call failed) resumes after its last finished step. Removed when the run ends.</summary>
public sealed class IngestionArtifacts(IBlobStore blobs, ChunkFiles chunkFiles)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly IngestionStep[] Stored = [IngestionStep.Parse, IngestionStep.Chunk, IngestionStep.Embed];

    private static string Key(string documentId, int version, IngestionStep step)
        => $"ingestion/{documentId}/v{version}/{step.ToString().ToLowerInvariant()}.json.gz";

    public async Task WriteAsync<T>(string documentId, int version, IngestionStep step, T output, CancellationToken cancellationToken) where T : class
    {
        if (output is List<IndexedChunk> chunks)
        {
            await chunkFiles.WriteAsync(Key(documentId, version, step), new ChunkFile(documentId, version, 0, chunks), cancellationToken);
            return;
        }
        var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            await JsonSerializer.SerializeAsync(gzip, output, Json, cancellationToken);
        buffer.Position = 0;
        await blobs.PutAsync(Key(documentId, version, step), buffer, "application/gzip", cancellationToken);
    }

    /// <summary>The output, or null when it is missing or unreadable (the step then runs again).</summary>
    public async Task<T?> ReadAsync<T>(string documentId, int version, IngestionStep step, CancellationToken cancellationToken) where T : class
    {
        try
        {
            if (typeof(T) == typeof(List<IndexedChunk>))
                return (await chunkFiles.ReadAsync(Key(documentId, version, step), cancellationToken))?.Chunks.ToList() as T;
            await using var content = await blobs.OpenReadAsync(Key(documentId, version, step), cancellationToken);
            if (content is null) return null;
            await using var gzip = new GZipStream(content, CompressionMode.Decompress);
            return await JsonSerializer.DeserializeAsync<T>(gzip, Json, cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string documentId, int version)
    {
        foreach (var step in Stored) await blobs.DeleteAsync(Key(documentId, version, step), CancellationToken.None);
    }
}
