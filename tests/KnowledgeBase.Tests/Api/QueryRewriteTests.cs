using System.Net.Http.Json;
using System.Text.Json;
using KnowledgeBase.Grains.Chat;
using KnowledgeBase.OpenAiStub;

namespace KnowledgeBase.Tests.Api;

/// <summary>The api with a model (the OpenAI-compatible stub) that answers the query-rewrite request with search queries
/// and the answer request with a cited answer.</summary>
public sealed class QueryRewriteFixture : StubbedModelFixture
{
    /// <summary>What the stub's model gives as search queries: the article on annual leave, which the test's
    /// question never names.</summary>
    public const string ModelQueries = "1. 제60조 연차 유급휴가 15일\n2. 연차 유급휴가 일수";

    public static bool IsRewrite(StubChatRequest request) =>
        request.Messages.FirstOrDefault()?.Content.StartsWith(QueryRewriter.Instruction[..12], StringComparison.Ordinal) == true;

    protected override OpenAiStubOptions StubOptions() => new()
    {
        EmbeddingDimensions = 256,
        Responder = request => IsRewrite(request) ? ModelQueries
            : request.Messages.Any(m => m.Content.Contains("<source n=\"1\"", StringComparison.Ordinal)) ? "연차 유급휴가는 15일입니다 [1]."
            : "제공된 문서에서 찾을 수 없습니다.",
    };

    protected override Dictionary<string, string?> ModelSettings() => new()
    {
        ["OPENAI_API_KEY"] = "sk-test-query-rewrite",
        ["OPENAI_MAX_RETRIES"] = "0",
    };
}

public sealed class QueryRewriteTests(QueryRewriteFixture fixture) : IClassFixture<QueryRewriteFixture>
{
    [Fact]
    public async Task Model_search_queries_find_what_the_users_words_miss_and_the_rewrite_is_charged_to_the_user()
    {
        var user = await fixture.Api.CreateUserAsync();
        var question = "플루토 프로젝트 팀원도 쉬는 날 규정이 같나요? " + Guid.NewGuid().ToString("N")[..6];
        // The user's words alone do not reach the annual-leave article.
        var own = await (await user.Client.PostAsJsonAsync("/api/search", new { query = question, topK = 10 })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.DoesNotContain(own.GetProperty("results").EnumerateArray(), r => r.GetProperty("section").GetString()!.Contains("제60조"));

        var events = await Sse.ReadAllAsync(await user.Client.SendAsync(Sse.ChatRequest(question), HttpCompletionOption.ResponseHeadersRead));

        var sources = events.Single(e => e.Name == "sources").Data.EnumerateArray().Select(s => s.GetProperty("section").GetString()!).ToList();
        Assert.Contains(sources, s => s.Contains("제60조"));
        Assert.Equal("연차 유급휴가는 15일입니다 [1].", Sse.Answer(events));

        var requests = fixture.Stub.ChatRequests.Where(r => r.Chat!.Messages.Any(m => m.Content.Contains(question))).ToList();
        var rewrite = Assert.Single(requests, r => QueryRewriteFixture.IsRewrite(r.Chat!));
        var answer = Assert.Single(requests, r => !QueryRewriteFixture.IsRewrite(r.Chat!));
        Assert.False(rewrite.Chat!.Stream);
        Assert.Equal(150, rewrite.Chat.MaxTokens);

        // The rewrite's tokens and cost are the user's: in the turn's usage, its cost and the day's budget.
        var done = events[^1].Data;
        var prompt = rewrite.Usage!.PromptTokens + answer.Usage!.PromptTokens;
        var completion = rewrite.Usage.CompletionTokens + answer.Usage.CompletionTokens;
        Assert.Equal(prompt, done.GetProperty("usage").GetProperty("promptTokens").GetInt32());
        Assert.Equal(completion, done.GetProperty("usage").GetProperty("completionTokens").GetInt32());
        var expectedCost = (rewrite.Usage.PromptTokens * 0.15m + rewrite.Usage.CompletionTokens * 0.60m) / 1_000_000m
            + (answer.Usage.PromptTokens * 0.15m + answer.Usage.CompletionTokens * 0.60m) / 1_000_000m;
        Assert.Equal(Math.Round(expectedCost, 8), Math.Round(done.GetProperty("costUsd").GetDecimal(), 8));
        // The day's budget also holds what the search before the turn was charged (its query's embedding tokens).
        var searched = own.GetProperty("usage").GetProperty("embeddingTokens").GetInt64();
        Assert.True(searched > 0, "the search called the embedding model and was charged");
        var me = await user.Client.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal(prompt + completion + searched, me.GetProperty("budget").GetProperty("usedToday").GetInt64());
    }

    [Fact]
    public async Task The_rewrite_reads_the_conversation_so_a_follow_up_becomes_a_standalone_query()
    {
        var user = await fixture.Api.CreateUserAsync();
        var first = "연차 유급휴가는 며칠인가요? " + Guid.NewGuid().ToString("N")[..6];
        var firstEvents = await Sse.ReadAllAsync(await user.Client.SendAsync(Sse.ChatRequest(first), HttpCompletionOption.ResponseHeadersRead));
        var conversationId = firstEvents[0].Data.GetProperty("conversationId").GetString();

        var followUp = "그럼 입사 1년 미만이면요? " + Guid.NewGuid().ToString("N")[..6];
        await Sse.ReadAllAsync(await user.Client.SendAsync(Sse.ChatRequest(followUp, conversationId), HttpCompletionOption.ResponseHeadersRead));

        var rewrite = Assert.Single(fixture.Stub.ChatRequests, r => QueryRewriteFixture.IsRewrite(r.Chat!) && r.Chat!.Messages.Any(m => m.Content.Contains(followUp)));
        var context = rewrite.Chat!.Messages[^1].Content;
        Assert.Contains(first, context);
        Assert.Contains("연차 유급휴가는 15일입니다", context);
        Assert.EndsWith(followUp, context);
    }
}

public sealed class OfflineQueryRewriteTests
{
    [Fact]
    public async Task Offline_no_model_is_asked_nothing_is_reserved_and_a_follow_up_joins_the_previous_query()
    {
        var rewriter = new QueryRewriter(new KnowledgeBase.Grains.Models.ExtractiveChatClient(new KnowledgeBase.Grains.Models.TiktokenTokenCounter()));

        Assert.False(rewriter.UsesModel);
        Assert.Equal(0, rewriter.WorstCaseTokens("연차휴가는 며칠인가요?"));
        Assert.Empty((await rewriter.ModelQueriesAsync("그럼 1년 미만은?", "그럼 1년 미만은?", [], TimeSpan.FromSeconds(5), CancellationToken.None)).Queries);
        Assert.Equal("연차휴가는 며칠인가요? 그럼 1년 미만은?", rewriter.Rewrite("그럼 1년 미만은?", "연차휴가는 며칠인가요?"));
    }
}
