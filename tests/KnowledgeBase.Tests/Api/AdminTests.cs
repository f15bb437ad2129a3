using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace KnowledgeBase.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class AdminTests(ApiFactory api)
{
    private static JsonElement Row(JsonElement report, string userId)
        => report.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("userId").GetString() == userId);

    [Fact]
    public async Task Usage_report_shows_each_users_tokens_limits_and_company_totals()
    {
        var admin = await api.CreateAdminAsync();
        var user = await api.CreateUserAsync();
        var answer = await (await user.Client.PostAsJsonAsync("/api/chat", new { question = "휴게시간은 얼마나 주어야 하나요?" })).Content.ReadFromJsonAsync<JsonElement>();
        var tokens = answer.GetProperty("usage").GetProperty("totalTokens").GetInt64();

        var report = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/usage");
        var row = Row(report, user.UserId);
        Assert.Equal(tokens, row.GetProperty("tokensToday").GetInt64());
        Assert.Equal(200_000 - tokens, row.GetProperty("remainingToday").GetInt64());
        Assert.Equal(1, row.GetProperty("requestsLastMinute").GetInt32());
        Assert.Equal(user.Email, row.GetProperty("email").GetString());

        // Company totals come from the ledgers, which the per-silo aggregator feeds every half second.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            report = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/usage");
            var sum = report.GetProperty("users").EnumerateArray().Sum(u => u.GetProperty("tokensToday").GetInt64());
            if (report.GetProperty("company").GetProperty("tokensToday").GetInt64() == sum) return;
            await Task.Delay(100);
        }
        Assert.Fail("company totals never matched the sum of users: " + report.GetProperty("company"));
    }

    [Fact]
    public async Task Usage_stream_pushes_a_users_spend_within_two_seconds()
    {
        var admin = await api.CreateAdminAsync();
        var user = await api.CreateUserAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/usage/stream");
        var response = await admin.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var events = Sse.ReadAsync(response).GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("snapshot", events.Current.Name);

        var spent = DateTime.UtcNow;
        var chat = await user.Client.PostAsJsonAsync("/api/chat", new { question = "야간근로 수당은 어떻게 계산하나요?" });
        var tokens = (await chat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("usage").GetProperty("totalTokens").GetInt64();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await events.MoveNextAsync().AsTask().WaitAsync(timeout.Token))
        {
            if (events.Current.Name != "usage") continue;
            var change = events.Current.Data.EnumerateArray().FirstOrDefault(c => c.GetProperty("userId").GetString() == user.UserId);
            if (change.ValueKind == JsonValueKind.Undefined) continue;
            Assert.Equal(tokens, change.GetProperty("tokensDay").GetInt64());
            Assert.True(DateTime.UtcNow - spent < TimeSpan.FromSeconds(2), $"pushed after {(DateTime.UtcNow - spent).TotalMilliseconds} ms");
            return;
        }
    }

    [Fact]
    public async Task Admin_endpoints_refuse_non_admins_with_403()
    {
        var user = await api.CreateUserAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync("/api/admin/usage")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync("/api/admin/usage/stream")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync("/api/admin/feedback")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.PutAsJsonAsync($"/api/admin/users/{user.UserId}/budget", new { dailyTokens = 9_999_999, monthlyTokens = 9_999_999 })).StatusCode);
    }
}
