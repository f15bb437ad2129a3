using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace KnowledgeBase.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class BudgetTests(ApiFactory api)
{
    private async Task<TestUser> UserWithBudgetAsync(long daily, long monthly, int? perMinute = null)
    {
        var user = await api.CreateUserAsync();
        var admin = await api.CreateAdminAsync();
        var set = await admin.Client.PutAsJsonAsync($"/api/admin/users/{user.UserId}/budget", new { dailyTokens = daily, monthlyTokens = monthly, requestsPerMinute = perMinute });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        return user;
    }

    private static async Task<JsonElement> BudgetAsync(TestUser user)
        => (await user.Client.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("budget");

    [Fact]
    public async Task Over_budget_gets_429_budget_exhausted_before_any_model_call()
    {
        var user = await UserWithBudgetAsync(daily: 500, monthly: 100_000);
        var response = await user.Client.PostAsJsonAsync("/api/chat", new { question = "연차는 며칠인가요?" });
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("budget_exhausted", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.True(response.Headers.RetryAfter is not null);
        Assert.Equal(0, (await BudgetAsync(user)).GetProperty("usedToday").GetInt64());
        Assert.Empty(await user.Client.GetFromJsonAsync<JsonElement[]>("/api/conversations") ?? []);
    }

    [Fact]
    public async Task Streaming_request_over_budget_also_gets_a_plain_429()
    {
        var user = await UserWithBudgetAsync(daily: 100, monthly: 100);
        var response = await user.Client.SendAsync(Sse.ChatRequest("연차는 며칠인가요?"));
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Rate_limit_gets_429_rate_limited_with_retry_after()
    {
        var user = await UserWithBudgetAsync(daily: 10_000_000, monthly: 10_000_000, perMinute: 3);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await user.Client.PostAsJsonAsync("/api/chat", new { question = $"질문 {i}" })).StatusCode);
        var limited = await user.Client.PostAsJsonAsync("/api/chat", new { question = "질문 3" });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var problem = await limited.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("rate_limited", problem.GetProperty("type").GetString());
        Assert.Contains("retry in", problem.GetProperty("detail").GetString());
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single()), 1, 60);
    }

    [Fact]
    public async Task Fifty_parallel_requests_never_overspend_a_small_budget()
    {
        const long daily = 12_000;
        var user = await UserWithBudgetAsync(daily, monthly: 1_000_000, perMinute: 10_000);
        // Answers cost tokens only when there is something to answer from (an empty library answers "not found" for free).
        await Documents.UploadAndWaitAsync(user.Client, TestData.LaborLaw("labor-standards-act.md"));
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            user.Client.PostAsJsonAsync("/api/chat", new { question = $"연차 유급휴가 일수와 사용 방법을 알려주세요 {i}" })));

        var ok = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        var refused = responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Equal(50, ok + refused);
        Assert.True(ok >= 1, "some requests fit the budget");
        Assert.True(refused >= 1, "the budget ran out for the rest");

        var used = (await BudgetAsync(user)).GetProperty("usedToday").GetInt64();
        var charged = 0L;
        foreach (var r in responses.Where(r => r.StatusCode == HttpStatusCode.OK))
            charged += (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("usage").GetProperty("totalTokens").GetInt64();
        Assert.Equal(charged, used);
        Assert.True(used <= daily, $"used {used} of {daily}");
    }

    [Fact]
    public async Task Budget_update_rejects_bad_values_and_unknown_users()
    {
        var admin = await api.CreateAdminAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Client.PutAsJsonAsync($"/api/admin/users/{admin.UserId}/budget", new { dailyTokens = -1, monthlyTokens = 5 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Client.PutAsJsonAsync($"/api/admin/users/{admin.UserId}/budget", new { dailyTokens = 10, monthlyTokens = 5 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.PutAsJsonAsync("/api/admin/users/usr_0000000000000000/budget", new { dailyTokens = 1, monthlyTokens = 5 })).StatusCode);
    }
}
