using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace KnowledgeBase.Tests.Api;

/// <summary>The long admin and document lists come a page at a time, and the pages add up to the whole list.</summary>
[Collection(ApiCollection.Name)]
public sealed class AdminPagingTests(ApiFactory api)
{
    [Fact]
    public async Task Document_list_pages_are_disjoint_newest_first_and_add_up_to_the_total()
    {
        var admin = await api.CreateAdminAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var text = $"# 페이지 시험 문서 {i} {Guid.NewGuid():N}\n\n사내 규정 {i}조: 문서 목록은 나누어 보여 줍니다.";
            var response = await Documents.UploadAsync(admin.Client, $"paging-{i}.md", Encoding.UTF8.GetBytes(text), contentType: "text/markdown");
            response.EnsureSuccessStatusCode();
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString()!);
        }
        foreach (var id in ids) await Documents.WaitForStatusAsync(admin.Client, id, "ready");

        var seen = new List<string>();
        int total;
        var skip = 0;
        do
        {
            var page = await admin.Client.GetFromJsonAsync<JsonElement>($"/api/documents?skip={skip}&take=2");
            total = page.GetProperty("total").GetInt32();
            var items = page.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("documentId").GetString()!).ToList();
            Assert.InRange(items.Count, 1, 2);
            seen.AddRange(items);
            skip += 2;
        } while (skip < total);

        Assert.Equal(total, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        // Uploaded one after another: the newest of the three is listed first.
        Assert.Equal(ids.AsEnumerable().Reverse(), seen.Where(ids.Contains));
    }

    [Fact]
    public async Task Feedback_review_pages_newest_first_with_the_total_in_a_header()
    {
        var user = await api.CreateUserAsync();
        var messages = new List<string>();
        foreach (var question in new[] { "연차 유급휴가는 며칠인가요?", "퇴직금은 어떻게 계산하나요?" })
        {
            var answer = await (await user.Client.PostAsJsonAsync("/api/chat", new { question })).Content.ReadFromJsonAsync<JsonElement>();
            var messageId = answer.GetProperty("messageId").GetString()!;
            (await user.Client.PostAsJsonAsync($"/api/messages/{messageId}/feedback", new { rating = "down", reason = "wrong_answer" })).EnsureSuccessStatusCode();
            messages.Add(messageId);
        }

        var admin = await api.CreateAdminAsync();
        var first = await admin.Client.GetAsync("/api/admin/feedback?rating=down&take=1");
        var second = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/feedback?rating=down&offset=1&take=1");
        Assert.True(int.Parse(first.Headers.GetValues("X-Total-Count").Single()) >= 2);
        Assert.Equal(messages[1], (await first.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Single().GetProperty("messageId").GetString());
        Assert.Equal(messages[0], second.EnumerateArray().Single().GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task Changing_a_rating_moves_its_count_in_the_admin_metrics()
    {
        var admin = await api.CreateAdminAsync();
        var user = await api.CreateUserAsync();
        var answer = await (await user.Client.PostAsJsonAsync("/api/chat", new { question = "휴게시간은 얼마나 주어야 하나요?" })).Content.ReadFromJsonAsync<JsonElement>();
        var messageId = answer.GetProperty("messageId").GetString()!;
        var before = await TotalsAsync(admin.Client);

        (await user.Client.PostAsJsonAsync($"/api/messages/{messageId}/feedback", new { rating = "up" })).EnsureSuccessStatusCode();
        var rated = await TotalsAsync(admin.Client);
        (await user.Client.PostAsJsonAsync($"/api/messages/{messageId}/feedback", new { rating = "down", reason = "wrong_answer" })).EnsureSuccessStatusCode();
        var changed = await TotalsAsync(admin.Client);

        Assert.Equal((before.Up + 1, before.Down), rated);
        Assert.Equal((before.Up, before.Down + 1), changed);
    }

    [Fact]
    public async Task Usage_pages_list_todays_spenders_before_idle_users_and_report_the_total()
    {
        var admin = await api.CreateAdminAsync();
        var idle = await api.CreateUserAsync(email: $"a-idle-{Guid.NewGuid():N}"[..20] + "@soosan.com");
        var spender = await api.CreateUserAsync(email: $"z-spender-{Guid.NewGuid():N}"[..22] + "@soosan.com");
        var source = await Documents.UploadAsync(admin.Client, "minimum-wage.md",
            Encoding.UTF8.GetBytes("# 최저임금\n\n최저임금은 최저임금위원회의 심의를 거쳐 고용노동부장관이 매년 결정한다.\n"), contentType: "text/markdown");
        source.EnsureSuccessStatusCode();
        await Documents.WaitForStatusAsync(admin.Client, (await source.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString()!, "ready");
        // A question of its own, so no cached answer (which costs nothing) is replayed.
        var answer = await (await spender.Client.PostAsJsonAsync("/api/chat", new { question = $"최저임금은 어떻게 결정되나요? ({Guid.NewGuid():N})" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(answer.GetProperty("usage").GetProperty("totalTokens").GetInt64() > 0, "the turn was charged");

        // The order comes from the day ledger, which the silo's aggregator feeds every half second; pages read while
        // the order changes may overlap, so the walk is repeated until it reads one order throughout.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<string> order;
        int total;
        do
        {
            (order, total) = await AllPagesAsync(admin.Client, limit: 2);
            if (order.Count == total && order.Distinct().Count() == total && order.IndexOf(spender.UserId) < order.IndexOf(idle.UserId)) break;
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);

        Assert.Equal(total, order.Count);
        Assert.Equal(order.Count, order.Distinct().Count());
        Assert.True(order.IndexOf(spender.UserId) >= 0 && order.IndexOf(spender.UserId) < order.IndexOf(idle.UserId),
            "today's spender is listed before a user who has not spent, though the idle address sorts first");
    }

    private static async Task<(List<string> Order, int Total)> AllPagesAsync(HttpClient client, int limit)
    {
        var order = new List<string>();
        int total;
        var offset = 0;
        do
        {
            var report = await client.GetFromJsonAsync<JsonElement>($"/api/admin/usage?offset={offset}&limit={limit}");
            total = report.GetProperty("total").GetInt32();
            order.AddRange(report.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("userId").GetString()!));
            offset += limit;
        } while (offset < total);
        return (order, total);
    }

    private static async Task<(int Up, int Down)> TotalsAsync(HttpClient client)
    {
        var totals = (await client.GetFromJsonAsync<JsonElement>("/api/admin/metrics?days=2")).GetProperty("totals");
        return (totals.GetProperty("feedbackUp").GetInt32(), totals.GetProperty("feedbackDown").GetInt32());
    }
}
