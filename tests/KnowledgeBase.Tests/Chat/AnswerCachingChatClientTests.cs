using System.Runtime.CompilerServices;
using KnowledgeBase.Grains.Caching;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgeBase.Tests.Chat;

/// <summary>The answer cache as a chat client in front of the model: a repeated prompt is answered from the cache at no
/// model cost; an answer that failed or was abandoned is never served to the next user.</summary>
public sealed class AnswerCachingChatClientTests
{
    private static readonly List<ChatMessage> Prompt = [new(ChatRole.System, "출처만 인용하세요."), new(ChatRole.User, "<source n=\"1\">연차 15일</source>\n질문: 연차는?")];

    private static AnswerCache NewCache() => new ServiceCollection().AddCaches(new ConfigurationBuilder().Build()).BuildServiceProvider().GetRequiredService<AnswerCache>();

    [Fact]
    public async Task A_repeated_prompt_is_replayed_from_the_cache_without_calling_the_model_or_charging()
    {
        var model = new ScriptedModel(["연차는 ", "15일입니다 ", "[1]."]);
        var client = new AnswerCachingChatClient(model, NewCache());

        var first = await client.GetStreamingResponseAsync(Prompt).ToListAsync();
        var second = await client.GetStreamingResponseAsync(Prompt).ToListAsync();

        Assert.Equal(1, model.Calls);
        Assert.Equal("연차는 15일입니다 [1].", string.Concat(second.Select(u => u.Text)));
        Assert.DoesNotContain(first, AnswerCachingChatClient.IsReplay);
        var last = second[^1];
        Assert.True(AnswerCachingChatClient.IsReplay(last));
        Assert.Equal(0, last.Contents.OfType<UsageContent>().Single().Details.TotalTokenCount);
    }

    [Fact]
    public async Task A_regenerate_asks_the_model_again_without_passing_it_the_flag_and_the_new_answer_is_cached()
    {
        var model = new ScriptedModel(["연차는 ", "15일입니다 ", "[1]."]);
        var client = new AnswerCachingChatClient(model, NewCache());
        await client.GetStreamingResponseAsync(Prompt).ToListAsync();

        var fresh = new ChatOptions { AdditionalProperties = new() { [AnswerCachingChatClient.FreshProperty] = true } };
        var regenerated = await client.GetStreamingResponseAsync(Prompt, fresh).ToListAsync();
        Assert.Equal(2, model.Calls);
        Assert.DoesNotContain(regenerated, AnswerCachingChatClient.IsReplay);
        Assert.False(model.LastOptions?.AdditionalProperties?.ContainsKey(AnswerCachingChatClient.FreshProperty) ?? false);
        Assert.True(fresh.AdditionalProperties.ContainsKey(AnswerCachingChatClient.FreshProperty));

        Assert.Contains(await client.GetStreamingResponseAsync(Prompt).ToListAsync(), AnswerCachingChatClient.IsReplay);
        Assert.Equal(2, model.Calls);
    }

    [Fact]
    public async Task An_answer_the_model_broke_off_is_not_cached()
    {
        var model = new ScriptedModel(["연차는 ", "15일"], failAfter: 2);
        var client = new AnswerCachingChatClient(model, NewCache());
        await Assert.ThrowsAsync<HttpRequestException>(async () => await client.GetStreamingResponseAsync(Prompt).ToListAsync());

        model.FailAfter = null;
        var retried = await client.GetStreamingResponseAsync(Prompt).ToListAsync();
        Assert.Equal(2, model.Calls);
        Assert.DoesNotContain(retried, AnswerCachingChatClient.IsReplay);
    }

    [Fact]
    public async Task An_answer_the_reader_stopped_reading_is_not_cached()
    {
        var model = new ScriptedModel(["연차는 ", "15일입니다 ", "[1]."]);
        var client = new AnswerCachingChatClient(model, NewCache());
        await foreach (var _ in client.GetStreamingResponseAsync(Prompt)) break;

        await client.GetStreamingResponseAsync(Prompt).ToListAsync();
        Assert.Equal(2, model.Calls);
    }

    private sealed class ScriptedModel(string[] pieces, int? failAfter = null) : IChatClient
    {
        public int Calls { get; private set; }
        public ChatOptions? LastOptions { get; private set; }
        public int? FailAfter { get; set; } = failAfter;

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Calls++;
            LastOptions = options;
            for (var i = 0; i < pieces.Length; i++)
            {
                if (i == FailAfter) throw new HttpRequestException("model connection reset");
                await Task.Yield();
                yield return new ChatResponseUpdate(ChatRole.Assistant, pieces[i]);
            }
            if (FailAfter == pieces.Length) throw new HttpRequestException("model connection reset");
            yield return new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 40, OutputTokenCount = 6, TotalTokenCount = 46 })] };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }
}
