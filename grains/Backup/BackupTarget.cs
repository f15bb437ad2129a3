using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Backup;

/// <summary>Where backups go: a directory, or s3://bucket/prefix (S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY and
/// S3_REGION as for the document store). Either way it is an <see cref="IBlobStore"/>.</summary>
public static class BackupTarget
{
    public static IBlobStore Open(string target, IConfiguration config)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        if (!target.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
            return new LocalFileBlobStore(Options.Create(new KnowledgeBaseOptions { StorageDir = target }));

        var rest = target["s3://".Length..];
        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        if (bucket.Length == 0) throw new ArgumentException("Backup target s3://bucket/prefix has no bucket.");
        var s3 = new S3Options(bucket, Empty(config["S3_ENDPOINT"]), Empty(config["S3_ACCESS_KEY"]), Empty(config["S3_SECRET_KEY"]),
            Empty(config["S3_REGION"]) ?? "us-east-1");
        var store = new S3BlobStore(s3);
        return prefix.Length == 0 ? store : new PrefixedBlobStore(store, prefix + "/");
    }

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Every manifest in the target, oldest first. A manifest that cannot be read is reported by name.</summary>
    public static async Task<List<BackupManifest>> ListManifestsAsync(IBlobStore target, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var blob in target.ListAsync("", cancellationToken))
        {
            var parts = blob.Key.Split('/');
            if (parts.Length == 2 && parts[1] == BackupManifest.FileName) keys.Add(blob.Key);
        }
        var manifests = new List<BackupManifest>();
        foreach (var key in keys.Order(StringComparer.Ordinal))
        {
            await using var stream = await target.OpenReadAsync(key, cancellationToken)
                ?? throw new BackupIntegrityException($"{key}: listed but cannot be read.");
            try
            {
                manifests.Add(await System.Text.Json.JsonSerializer.DeserializeAsync<BackupManifest>(stream, BackupManifest.Json, cancellationToken)
                    ?? throw new BackupIntegrityException($"{key}: empty manifest."));
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new BackupIntegrityException($"{key}: the manifest is damaged ({ex.Message}).");
            }
        }
        return manifests;
    }

    private sealed class PrefixedBlobStore(IBlobStore inner, string prefix) : IBlobStore, IDisposable
    {
        public Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
            => inner.PutAsync(prefix + key, content, contentType, cancellationToken);

        public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
            => inner.OpenReadAsync(prefix + key, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
            => inner.DeleteAsync(prefix + key, cancellationToken);

        public async IAsyncEnumerable<BlobInfo> ListAsync(string keyPrefix = "",
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var blob in inner.ListAsync(prefix + keyPrefix, cancellationToken))
                yield return blob with { Key = blob.Key[prefix.Length..] };
        }

        public void Dispose() => (inner as IDisposable)?.Dispose();
    }
}
