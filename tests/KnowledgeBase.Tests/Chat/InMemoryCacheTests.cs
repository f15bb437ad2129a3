using KnowledgeBase.Grains.Caching;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgeBase.Tests.Chat;

/// <summary>Without Redis the answer and embedding caches live in the process: bounded by bytes, so a day of unique
/// questions cannot grow it without limit.</summary>
public sealed class InMemoryCacheTests
{
    [Fact]
    public async Task The_in_memory_cache_never_holds_more_than_its_byte_limit()
    {
        var services = new ServiceCollection().AddCaches(new ConfigurationBuilder().Build()).BuildServiceProvider();
        var cache = services.GetRequiredService<IDistributedCache>();
        var entry = new byte[1024 * 1024];
        const int written = 100;
        for (var i = 0; i < written; i++)
            await cache.SetAsync($"kb:answer:test:{i}", entry, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(24) });
        await Task.Delay(200); // compaction runs in the background

        var kept = 0;
        for (var i = 0; i < written; i++)
            if (await cache.GetAsync($"kb:answer:test:{i}") is not null) kept++;
        Assert.InRange(kept, 1, CachingServiceCollectionExtensions.InMemoryCacheBytes / entry.Length);
    }
}
