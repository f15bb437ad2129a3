namespace KnowledgeBase.Grains.Storage;

/// <summary>Where original files live: a local folder by default, S3 when S3_BUCKET is set.</summary>
public interface IBlobStore
{
    Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default);

    /// <summary>The stored bytes, or null when the key does not exist.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    Task DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Every stored key under a prefix ("" for all), with its size and last change (backups use these to find
    /// new or changed files).</summary>
    IAsyncEnumerable<BlobInfo> ListAsync(string prefix = "", CancellationToken cancellationToken = default);
}

public sealed record BlobInfo(string Key, long Size, DateTimeOffset LastModified);
