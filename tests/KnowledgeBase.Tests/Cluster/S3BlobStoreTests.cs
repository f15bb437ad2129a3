using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using KnowledgeBase.Grains.Storage;

namespace KnowledgeBase.Tests.Cluster;

public sealed class S3Fixture : IAsyncLifetime
{
    public const string Bucket = "kb-documents";
    public NodeServer Server { get; private set; } = null!;

    public S3Options Options => new(Bucket, Server.Url, "S3RVER", "S3RVER", "us-east-1");

    public async Task InitializeAsync() => Server = await NodeServer.StartS3Async(Bucket);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Original files in a real S3 HTTP server (s3rver) through AWSSDK.S3.</summary>
[Trait(Tier.Name, Tier.Full)]
public sealed class S3BlobStoreTests(S3Fixture s3) : IClassFixture<S3Fixture>
{
    [Fact]
    public async Task Small_and_multipart_uploads_read_back_byte_for_byte()
    {
        using var store = new S3BlobStore(s3.Options);
        var small = RandomNumberGenerator.GetBytes(100_000);
        var large = RandomNumberGenerator.GetBytes((int)S3BlobStore.MultipartThreshold + 3_000_000);
        await store.PutAsync("documents/a/small", new MemoryStream(small), "application/pdf");
        await store.PutAsync("documents/a/large", new NonSeekableStream(large), "application/pdf");

        Assert.Equal(small, await ReadAllAsync(await store.OpenReadAsync("documents/a/small")));
        Assert.Equal(SHA256.HashData(large), SHA256.HashData(await ReadAllAsync(await store.OpenReadAsync("documents/a/large"))));

        await store.DeleteAsync("documents/a/small");
        Assert.Null(await store.OpenReadAsync("documents/a/small"));
        Assert.Null(await store.OpenReadAsync("documents/never-written"));
    }

    [Fact]
    public async Task The_api_stores_uploads_in_s3_and_serves_them_back()
    {
        await using var api = new S3ApiFactory(s3.Options);
        var user = await api.CreateUserAsync();
        var content = System.Text.Encoding.UTF8.GetBytes($"# 보안 규정\n\n외부 저장장치 사용은 금지한다. {Guid.NewGuid()}\n");
        var upload = await Documents.UploadAsync(user.Client, "보안규정.md", content);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var id = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString()!;
        await Documents.WaitForStatusAsync(user.Client, id, "ready");
        Assert.Equal(content, await user.Client.GetByteArrayAsync($"/api/documents/{id}/content"));
        Assert.False(Directory.Exists(Path.Combine(api.Root, "storage")), "nothing went to the local folder");
    }

    private static async Task<byte[]> ReadAllAsync(Stream? stream)
    {
        Assert.NotNull(stream);
        await using (stream)
        {
            var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            return buffer.ToArray();
        }
    }

    private sealed class S3ApiFactory(S3Options options) : ApiFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["S3_BUCKET"] = options.Bucket,
            ["S3_ENDPOINT"] = options.Endpoint,
            ["S3_ACCESS_KEY"] = options.AccessKey,
            ["S3_SECRET_KEY"] = options.SecretKey,
        };
    }

    /// <summary>An upload stream whose length is unknown, as a request body is.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
