using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace KnowledgeBase.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class SynonymTests(ApiFactory api)
{
    private static async Task<JsonElement> AskAsync(TestUser user, string question)
        => await (await user.Client.PostAsJsonAsync("/api/chat", new { question })).Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task Admin_synonym_set_makes_the_companys_own_word_find_the_document_without_reindexing()
    {
        var admin = await api.CreateAdminAsync();
        var user = await api.CreateUserAsync();
        var upload = await Documents.UploadAsync(user.Client, "remote-work.md",
            Encoding.UTF8.GetBytes("# 원격근무 지원\n\n## 원격근무 장비 지원금\n\n원격근무 장비 지원금은 1인당 연 30만원까지 실비로 지급한다.\n"));
        upload.EnsureSuccessStatusCode();
        await Documents.WaitForStatusAsync(user.Client, (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString()!, "ready");

        const string question = "꿀템비는 얼마까지 받을 수 있나요?";
        Assert.True((await AskAsync(user, question)).GetProperty("noResult").GetBoolean());

        var put = await admin.Client.PutAsJsonAsync("/api/admin/synonyms", new { sets = new[] { new[] { "원격근무 장비 지원금", " 꿀템비 ", "꿀템비" } } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var saved = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["원격근무 장비 지원금", "꿀템비"], saved.GetProperty("sets")[0].EnumerateArray().Select(t => t.GetString()));

        // The set reaches the silo by a push; the next question uses it, with no document indexed again.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonElement answer;
        do answer = await AskAsync(user, question);
        while (answer.GetProperty("noResult").GetBoolean() && DateTime.UtcNow < deadline);
        Assert.Contains("30만원", answer.GetProperty("answer").GetString());
        Assert.Equal(saved.GetProperty("version").GetInt64(),
            (await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/synonyms")).GetProperty("version").GetInt64());
        // A settings change: the audit log says who saved the sets.
        var audit = await admin.Client.GetFromJsonAsync<JsonElement>($"/api/admin/audit?action=retrieval.synonyms_changed&actor={admin.UserId}");
        Assert.NotEmpty(audit.GetProperty("entries").EnumerateArray());
    }

    [Theory]
    [InlineData("{\"sets\":[[\"잔업\"]]}")]
    [InlineData("{\"sets\":[[\"잔업\",\"잔업\"]]}")]
    [InlineData("{}")]
    [InlineData("{\"sets\":[[\"잔업\",\"줄\\n바꿈\"]]}")]
    public async Task Invalid_synonym_sets_are_refused_with_a_problem(string body)
    {
        var admin = await api.CreateAdminAsync();
        var response = await admin.Client.PutAsync("/api/admin/synonyms", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Only_admins_may_read_or_change_synonym_sets()
    {
        var user = await api.CreateUserAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync("/api/admin/synonyms")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.PutAsJsonAsync("/api/admin/synonyms", new { sets = new[] { new[] { "a", "b" } } })).StatusCode);
    }
}
