using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace KnowledgeBase.Tests.Api;

/// <summary>Feedback that teaches: an admin attaches the source that should have answered a question, and retrieval puts
/// it first for that question and close paraphrases, for callers who may read it, until the boost is removed.</summary>
[Collection(ApiCollection.Name)]
public sealed class BoostTests(ApiFactory api)
{
    private static async Task<List<string>> SearchAsync(TestUser user, string query)
    {
        var body = await (await user.Client.PostAsJsonAsync("/api/search", new { query, topK = 5 })).Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("chunkId").GetString()!).ToList();
    }

    /// <summary>Waits (up to 10 s) until the first result of <paramref name="query"/> is, or is not, <paramref name="chunkId"/>.</summary>
    private static async Task<bool> FirstBecomesAsync(TestUser user, string query, string chunkId, bool expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var first = (await SearchAsync(user, query)).FirstOrDefault();
            if ((first == chunkId) == expected) return true;
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(100);
        }
    }

    private static Task<string> UploadAsync(TestUser admin, string fileName, string text, string collectionId = DefaultCollection.Id)
        => PermissionFixture.UploadAsync(admin, collectionId, fileName, text);

    [Fact]
    public async Task Boosted_source_comes_first_for_its_question_and_a_paraphrase_until_the_boost_is_removed()
    {
        var admin = await api.CreateAdminAsync();
        var user = await api.CreateUserAsync();
        var mark = Guid.NewGuid().ToString("N")[..8];
        await UploadAsync(admin, $"club-{mark}.md", $"# 사내 동호회 규정 {mark}\n\n## 동호회 지원금\n\n등록된 동호회에는 회원 1인당 월 2만원의 활동비를 지원한다.\n\n" +
            $"## 동호회 등록 절차\n\n회원 10명 이상이 모이면 총무팀에 등록 신청서를 내고 연 2회 활동 보고서를 제출한다. 코드 {mark}.\n");
        // The reviewer decided the registration rules (activity reports decide the support) should answer this question.
        var target = (await SearchAsync(admin, $"동호회 등록 신청서 활동 보고서 {mark}"))[0];
        var question = $"동호회 지원금은 얼마예요? {mark}";
        Assert.True(await FirstBecomesAsync(user, question, target, expected: false));

        var created = await admin.Client.PostAsJsonAsync("/api/admin/boosts", new { question, chunkId = target, messageId = "msg_feedback" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var boost = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"club-{mark}.md", boost.GetProperty("fileName").GetString());
        Assert.EndsWith("동호회 등록 절차", boost.GetProperty("section").GetString());

        Assert.True(await FirstBecomesAsync(user, question, target, expected: true), "the boost never reached retrieval");
        Assert.Equal(target, (await SearchAsync(user, $"동호회 지원금은 얼마인가요 {mark}")).First());
        Assert.NotEqual(target, (await SearchAsync(user, "연차 유급휴가는 며칠인가요?")).FirstOrDefault());
        var listed = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/boosts");
        var id = boost.GetProperty("id").GetString();
        Assert.Contains(listed.GetProperty("boosts").EnumerateArray(), b => b.GetProperty("id").GetString() == id && b.GetProperty("question").GetString() == question);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.DeleteAsync($"/api/admin/boosts/{id}")).StatusCode);
        Assert.True(await FirstBecomesAsync(user, question, target, expected: false), "the removed boost still applies");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.DeleteAsync($"/api/admin/boosts/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_boost_never_shows_a_source_the_caller_may_not_read()
    {
        var admin = await api.CreateAdminAsync();
        var user = await api.CreateUserAsync();
        var mark = Guid.NewGuid().ToString("N")[..8];
        var restricted = await PermissionFixture.CreateCollectionAsync(admin, "임원 " + mark, new { everyone = false }, new { users = Array.Empty<string>() });
        await UploadAsync(admin, $"exec-{mark}.md", $"# 임원 보상 {mark}\n\n## 임원 성과급\n\n임원 성과급은 연 2회 지급한다. 코드 {mark}.\n", restricted);
        var target = (await SearchAsync(admin, $"임원 성과급 {mark}"))[0];
        var question = $"높은 분들 보너스는 언제 줘요 {mark}";

        Assert.Equal(HttpStatusCode.Created, (await admin.Client.PostAsJsonAsync("/api/admin/boosts", new { question, chunkId = target })).StatusCode);

        Assert.True(await FirstBecomesAsync(admin, question, target, expected: true), "the boost never reached retrieval");
        Assert.DoesNotContain(target, await SearchAsync(user, question));
    }

    [Fact]
    public async Task Boosts_are_for_admins_and_refuse_a_missing_question_or_an_unknown_source()
    {
        var admin = await api.CreateAdminAsync();
        var user = await api.CreateUserAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync("/api/admin/boosts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.PostAsJsonAsync("/api/admin/boosts", new { question = "질문", chunkId = "doc_000000000000_0000" })).StatusCode);
        var missing = await admin.Client.PostAsJsonAsync("/api/admin/boosts", new { chunkId = "doc_000000000000_0000" });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.PostAsJsonAsync("/api/admin/boosts", new { question = "질문", chunkId = "doc_ffffffffffff_0009" })).StatusCode);
    }
}
