using KnowledgeBase.Grains.Caching;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgeBase.Tests.Cluster;

/// <summary>The answer cache on a real Redis server, shared by every process that points at it.</summary>
[Trait(Tier.Name, Tier.Full)]
public sealed class RedisCacheTests
{
    private static ServiceProvider Services(string? redisUrl) => new ServiceCollection()
        .AddCaches(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["REDIS_URL"] = redisUrl }).Build())
        .BuildServiceProvider();

    private static readonly ChatMessage[] Prompt = [new(ChatRole.System, "규칙"), new(ChatRole.User, "<sources>\n<source n=\"1\">연차 15일</source>\n</sources>\n질문: 연차?")];

    [Fact]
    public async Task An_answer_cached_by_one_process_is_a_hit_for_another_and_a_changed_source_is_a_miss()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var first = Services(redis.Url);
        await using var second = Services(redis.Url);
        var key = AnswerCache.Key("gpt-4o-mini", Prompt);
        await first.GetRequiredService<AnswerCache>().SetAsync(key, new CachedAnswer("15일입니다 [1]", 120, 8, "gpt-4o-mini"));

        var hit = await second.GetRequiredService<AnswerCache>().GetAsync(key, CancellationToken.None);
        Assert.Equal("15일입니다 [1]", hit?.Text);
        Assert.Equal((1, 0, 0), second.GetRequiredService<CacheStatistics>().Get("answer"));

        Prompt[1] = new ChatMessage(ChatRole.User, "<sources>\n<source n=\"1\">연차 20일 (개정)</source>\n</sources>\n질문: 연차?");
        Assert.Null(await second.GetRequiredService<AnswerCache>().GetAsync(AnswerCache.Key("gpt-4o-mini", Prompt), CancellationToken.None));
        Assert.Equal((1, 1, 0), second.GetRequiredService<CacheStatistics>().Get("answer"));
        Assert.IsNotType<MemoryDistributedCache>(second.GetRequiredService<IDistributedCache>());
    }

    [Fact]
    public async Task A_cache_that_is_down_is_a_miss_not_a_failed_answer()
    {
        await using var services = Services($"redis://127.0.0.1:{LocalServers.FreePort()}");
        var cache = services.GetRequiredService<AnswerCache>();
        Assert.Null(await cache.GetAsync("kb:answer:v1:nothing", CancellationToken.None));
        await cache.SetAsync("kb:answer:v1:nothing", new CachedAnswer("x", 1, 1, "m"));
        Assert.Equal(1, services.GetRequiredService<CacheStatistics>().Get("answer").Misses);
    }
}
