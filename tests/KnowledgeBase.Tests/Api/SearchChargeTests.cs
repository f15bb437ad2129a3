using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgeBase.OpenAiStub;

namespace KnowledgeBase.Tests.Api;

/// <summary>The api with its embedding model on the local OpenAI-compatible stub, priced high enough that a search's
/// cost is plain to see, and a small search rate limit.</summary>
public sealed class SearchChargeFixture : StubbedModelFixture
{
    public const int SearchesPerMinute = 6;

    /// <summary>USD per million embedding tokens (PRICE_TABLE): 0.001 USD a token.</summary>
    public const decimal EmbeddingPricePerMillion = 1000m;

    protected override OpenAiStubOptions StubOptions() => new() { ApiKey = OpenAiApiFixture.ApiKey, EmbeddingDimensions = 256 };

    protected override Dictionary<string, string?> ModelSettings() => new()
    {
        ["OPENAI_API_KEY"] = OpenAiApiFixture.ApiKey,
        ["PRICE_TABLE"] = $"text-embedding-3-small={EmbeddingPricePerMillion}",
        ["SEARCH_RATE_LIMIT_PER_MINUTE"] = SearchesPerMinute.ToString(),
    };
}

public sealed class SearchChargeTests(SearchChargeFixture fixture) : IClassFixture<SearchChargeFixture>
{
    private static Task<HttpResponseMessage> SearchAsync(TestUser user, string query) => user.Client.PostAsJsonAsync("/api/search", new { query, topK = 5 });

    private static async Task<JsonElement> BudgetAsync(TestUser user) => (await user.Client.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("budget");

    [Fact]
    public async Task A_search_is_charged_its_query_embedding_tokens_in_the_users_usage_and_the_admins_cost()
    {
        var user = await fixture.Api.CreateUserAsync();
        var admin = await fixture.Api.CreateAdminAsync();
        var companyBefore = (await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/usage")).GetProperty("company").GetProperty("costTodayUsd").GetDecimal();
        var query = $"연차 유급휴가 사용 촉진 {Guid.NewGuid():N}";

        var response = await SearchAsync(user, query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.NotEmpty(body.GetProperty("results").EnumerateArray());
        // The stub counts space-separated pieces: the model was asked for this query and reported its tokens.
        Assert.Contains(fixture.Stub.EmbeddingRequests, r => r.Embedding!.Inputs.Contains(query));
        var tokens = body.GetProperty("usage").GetProperty("embeddingTokens").GetInt64();
        var cost = body.GetProperty("usage").GetProperty("costUsd").GetDecimal();
        Assert.Equal(query.Split(' ').Length, tokens);
        Assert.Equal(tokens * SearchChargeFixture.EmbeddingPricePerMillion / 1_000_000m, cost);

        // The user's usage shows what they were charged, the admin's table and the company cost too.
        Assert.Equal(tokens, (await BudgetAsync(user)).GetProperty("usedToday").GetInt64());
        var row = (await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/usage")).GetProperty("users").EnumerateArray()
            .Single(u => u.GetProperty("userId").GetString() == user.UserId);
        Assert.Equal(tokens, row.GetProperty("tokensToday").GetInt64());
        Assert.Equal(cost, row.GetProperty("costTodayUsd").GetDecimal());
        await WaitUntilAsync(async () => (await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/usage"))
            .GetProperty("company").GetProperty("costTodayUsd").GetDecimal() >= companyBefore + cost);

        // The same query again is served by the cached vector: no model call, nothing charged.
        var again = await (await SearchAsync(user, query)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, again.GetProperty("usage").GetProperty("embeddingTokens").GetInt64());
        Assert.Equal(tokens, (await BudgetAsync(user)).GetProperty("usedToday").GetInt64());
    }

    [Fact]
    public async Task Search_past_its_own_limit_gets_429_rate_limited_and_chat_keeps_its_own_limit()
    {
        var user = await fixture.Api.CreateUserAsync();
        for (var i = 0; i < SearchChargeFixture.SearchesPerMinute; i++)
            Assert.Equal(HttpStatusCode.OK, (await SearchAsync(user, $"퇴직금 지급 {i}")).StatusCode);

        var limited = await SearchAsync(user, "퇴직금 지급 기한");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("rate_limited", (await limited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single()), 1, 60);

        Assert.Equal(HttpStatusCode.OK, (await user.Client.PostAsJsonAsync("/api/chat", new { question = "퇴직금은 언제까지 지급하나요?" })).StatusCode);
    }

    [Fact]
    public async Task An_exhausted_budget_refuses_search_with_the_code_chat_uses()
    {
        var user = await fixture.Api.CreateUserAsync();
        var admin = await fixture.Api.CreateAdminAsync();
        var set = await admin.Client.PutAsJsonAsync($"/api/admin/users/{user.UserId}/budget", new { dailyTokens = 2, monthlyTokens = 100_000 });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        // A token was left: the search runs and is charged all its tokens; then nothing is left.
        Assert.Equal(HttpStatusCode.OK, (await SearchAsync(user, $"최저임금 결정 기준 {Guid.NewGuid():N}")).StatusCode);
        var used = (await BudgetAsync(user)).GetProperty("usedToday").GetInt64();
        Assert.True(used >= 2, $"charged {used} tokens");

        var refused = await SearchAsync(user, "최저임금 결정 기준");
        var chat = await user.Client.PostAsJsonAsync("/api/chat", new { question = "최저임금은 어떻게 정하나요?" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, chat.StatusCode);
        var searchType = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString();
        Assert.Equal("budget_exhausted", searchType);
        Assert.Equal(searchType, (await chat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(used, (await BudgetAsync(user)).GetProperty("usedToday").GetInt64());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 20 s");
            await Task.Delay(100);
        }
    }
}

[Collection(ApiCollection.Name)]
public sealed class OfflineSearchTests(ApiFactory api)
{
    [Fact]
    public async Task Offline_searches_past_the_chat_rate_limit_all_pass_and_cost_nothing()
    {
        var user = await api.CreateUserAsync();
        // Thirty in a row: more than the chat limit (RATE_LIMIT_PER_MINUTE, 20), within the search limit (120).
        for (var i = 0; i < 30; i++)
        {
            var response = await user.Client.PostAsJsonAsync("/api/search", new { query = $"연차 유급휴가 {i}", topK = 3 });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(0, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("usage").GetProperty("embeddingTokens").GetInt64());
        }
        var budget = (await user.Client.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("budget");
        Assert.Equal(0, budget.GetProperty("usedToday").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await user.Client.PostAsJsonAsync("/api/chat", new { question = "연차는 며칠인가요?" })).StatusCode);
    }
}
