using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Configuration;

namespace KnowledgeBase.Grains.Storage;

/// <summary>S3 settings: S3_BUCKET switches the blob store to S3; S3_ENDPOINT for any S3-compatible server
/// (MinIO, s3rver, Ceph); S3_ACCESS_KEY/S3_SECRET_KEY, or the AWS default credential chain when unset.</summary>
public sealed record S3Options(string Bucket, string? Endpoint, string? AccessKey, string? SecretKey, string Region)
{
    public static S3Options? FromConfiguration(IConfiguration config)
        => config["S3_BUCKET"] is { Length: > 0 } bucket
            ? new S3Options(bucket, Empty(config["S3_ENDPOINT"]), Empty(config["S3_ACCESS_KEY"]), Empty(config["S3_SECRET_KEY"]),
                Empty(config["S3_REGION"]) ?? "us-east-1")
            : null;

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public override string ToString() => $"s3://{Bucket} via {Endpoint ?? "AWS"}";
}

/// <summary>Original files in an S3 bucket. Large files go up in parts, so a 50 MB upload never sits in one request.</summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    public const long MultipartThreshold = 16L * 1024 * 1024;
    private const int PartSize = 8 * 1024 * 1024;
    private readonly AmazonS3Client _client;
    private readonly S3Options _options;

    public S3BlobStore(S3Options options)
    {
        _options = options;
        var config = new AmazonS3Config
        {
            AuthenticationRegion = options.Region,
            RegionEndpoint = options.Endpoint is null ? Amazon.RegionEndpoint.GetBySystemName(options.Region) : null,
            MaxErrorRetry = 4,
        };
        if (options.Endpoint is not null)
        {
            config.ServiceURL = options.Endpoint;
            config.ForcePathStyle = true;
        }
        _client = options.AccessKey is not null && options.SecretKey is not null
            ? new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config)
            : new AmazonS3Client(config);
    }

    // Plain-HTTP endpoints would otherwise store the aws-chunked framing inside the object.
    private bool ChunkEncoding => _options.Endpoint is null || _options.Endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        if (content.CanSeek && content.Length - content.Position < MultipartThreshold)
        {
            await _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = _options.Bucket,
                Key = key,
                InputStream = content,
                AutoCloseStream = false,
                ContentType = contentType,
                UseChunkEncoding = ChunkEncoding,
            }, cancellationToken);
            return;
        }

        var upload = await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            ContentType = contentType,
        }, cancellationToken);
        try
        {
            var parts = new List<PartETag>();
            var buffer = new byte[PartSize];
            for (var number = 1; ; number++)
            {
                var filled = await content.ReadAtLeastAsync(buffer, PartSize, throwOnEndOfStream: false, cancellationToken);
                if (filled == 0 && number > 1) break;
                using var part = new MemoryStream(buffer, 0, filled, writable: false);
                var response = await _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = _options.Bucket,
                    Key = key,
                    UploadId = upload.UploadId,
                    PartNumber = number,
                    InputStream = part,
                    PartSize = filled,
                    UseChunkEncoding = ChunkEncoding,
                }, cancellationToken);
                parts.Add(new PartETag(number, response.ETag));
                if (filled < PartSize) break;
            }
            await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _options.Bucket,
                Key = key,
                UploadId = upload.UploadId,
                PartETags = parts,
            }, cancellationToken);
        }
        catch
        {
            await _client.AbortMultipartUploadAsync(_options.Bucket, key, upload.UploadId, CancellationToken.None);
            throw;
        }
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await _client.GetObjectAsync(_options.Bucket, key, cancellationToken);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
        => _client.DeleteObjectAsync(_options.Bucket, key, cancellationToken);

    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix = "",
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = prefix };
        do
        {
            var page = await _client.ListObjectsV2Async(request, cancellationToken);
            foreach (var o in page.S3Objects ?? [])
                yield return new BlobInfo(o.Key, o.Size ?? 0, o.LastModified is { } m ? new DateTimeOffset(m.ToUniversalTime()) : DateTimeOffset.MinValue);
            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
    }

    public void Dispose() => _client.Dispose();
}
