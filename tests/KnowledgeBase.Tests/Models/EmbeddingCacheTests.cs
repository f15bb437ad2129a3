using KnowledgeBase.Grains.Caching;
using KnowledgeBase.Grains.Models;
using KnowledgeBase.OpenAiStub;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Tests.Models;

/// <summary>Model embeddings are cached per text (the OpenAI path against the local stub server): a repeated query or
/// re-indexed chunk does not call the model again, and a cache that fails never fails the embedding.</summary>
public sealed class EmbeddingCacheTests
{
    private static OpenAiOptions OptionsFor(OpenAiStubServer stub) => new()
    {
        ApiKey = "sk-test-0b5e7c1d9a3f48e6b2c4d6f8a0e1c3b5",
        BaseUrl = stub.BaseUrl,
        MaxRetries = 0,
        NetworkTimeout = TimeSpan.FromSeconds(20),
    };

    private static IDistributedCache MemoryCache() => new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));

    [Fact]
    public async Task A_repeated_text_is_served_from_the_cache_bit_for_bit_and_only_misses_reach_the_model()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { EmbeddingDimensions = 64 });
        var statistics = new CacheStatistics();
        var embedder = new EmbeddingCache(new OpenAiModelFactory(OptionsFor(stub)).CreateEmbeddingGenerator(), MemoryCache(), statistics);

        var first = await embedder.GenerateAsync(["연차휴가는 며칠인가요?", "퇴직금은 언제 받나요?"]);
        Assert.Equal(first.Count, Assert.Single(stub.EmbeddingRequests).Embedding!.Inputs.Count);
        Assert.True(first.Usage?.InputTokenCount > 0);

        // One known text between two new ones: only the new ones are sent, in one call, and the batch keeps its order.
        string[] batch = ["야간근로수당은 얼마인가요?", "연차휴가는 며칠인가요?", "육아휴직은 몇 년인가요?"];
        var second = await embedder.GenerateAsync(batch);
        Assert.Equal(2, stub.EmbeddingRequests.Count);
        Assert.Equal(["야간근로수당은 얼마인가요?", "육아휴직은 몇 년인가요?"], stub.EmbeddingRequests[1].Embedding!.Inputs);
        for (var i = 0; i < batch.Length; i++) Assert.Equal(StubEmbeddings.Embed(batch[i], 64), second[i].Vector.ToArray());
        Assert.Equal(first[0].Vector.ToArray(), second[1].Vector.ToArray());

        // All known: no call, and no usage to charge.
        var third = await embedder.GenerateAsync(["퇴직금은 언제 받나요?"]);
        Assert.Equal(2, stub.EmbeddingRequests.Count);
        Assert.Null(third.Usage);
        Assert.Equal(StubEmbeddings.Embed("퇴직금은 언제 받나요?", 64), third[0].Vector.ToArray());
        Assert.Equal((2L, 4L, 0L), statistics.Get(EmbeddingCache.Name));
    }

    [Fact]
    public async Task Another_dimension_count_is_another_entry()
    {
        await using var stub = await OpenAiStubServer.StartAsync();
        var embedder = new EmbeddingCache(new OpenAiModelFactory(OptionsFor(stub)).CreateEmbeddingGenerator(), MemoryCache(), new CacheStatistics());

        var small = await embedder.GenerateAsync(["연차휴가"], new EmbeddingGenerationOptions { Dimensions = 32 });
        var large = await embedder.GenerateAsync(["연차휴가"], new EmbeddingGenerationOptions { Dimensions = 128 });

        Assert.Equal(32, small[0].Vector.Length);
        Assert.Equal(128, large[0].Vector.Length);
        Assert.Equal(2, stub.EmbeddingRequests.Count);
    }

    [Fact]
    public void The_key_is_the_hash_of_model_dimensions_and_text_so_stored_vectors_outlive_an_upgrade()
    {
        // Past the hasher's 1,024-character pieces, with a character outside the BMP across the first boundary.
        var text = new string('연', 1023) + "𝄞" + string.Concat(Enumerable.Repeat("유급휴가 ", 300));
        static string Expected(string whole)
            => "kb:embedding:v2:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(whole)));

        Assert.Equal(Expected($"text-embedding-3-small\n256\n{text}"), EmbeddingCache.Key("text-embedding-3-small", 256, text));
        Assert.Equal(Expected($"text-embedding-3-small\n\n{text}"), EmbeddingCache.Key("text-embedding-3-small", null, text));
    }

    [Fact]
    public async Task A_failing_cache_is_a_miss_and_the_model_still_answers()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { EmbeddingDimensions = 16 });
        var statistics = new CacheStatistics();
        var embedder = new EmbeddingCache(new OpenAiModelFactory(OptionsFor(stub)).CreateEmbeddingGenerator(), new BrokenCache(), statistics);

        var embedding = await embedder.GenerateAsync("연차휴가");

        Assert.Equal(StubEmbeddings.Embed("연차휴가", 16), embedding.Vector.ToArray());
        Assert.Equal(2, statistics.Get(EmbeddingCache.Name).Errors); // the read and the write
    }

    /// <summary>A cache whose server is gone.</summary>
    private sealed class BrokenCache : IDistributedCache
    {
        private static Exception Down() => new InvalidOperationException("cache server unreachable");
        public byte[]? Get(string key) => throw Down();
        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromException<byte[]?>(Down());
        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => throw Down();
        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) => Task.FromException(Down());
        public void Refresh(string key) => throw Down();
        public Task RefreshAsync(string key, CancellationToken token = default) => Task.FromException(Down());
        public void Remove(string key) => throw Down();
        public Task RemoveAsync(string key, CancellationToken token = default) => Task.FromException(Down());
    }
}
