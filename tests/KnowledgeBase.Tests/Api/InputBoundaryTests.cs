using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace KnowledgeBase.Tests.Api;

/// <summary>What the api does with input at its edge that an attacker shapes: response headers, body sizes, tag
/// filters, pictures posing as text and file names that lie about themselves.</summary>
[Collection(ApiCollection.Name)]
public sealed class InputBoundaryTests(ApiFactory api)
{
    [Fact]
    public async Task Api_answers_carry_nosniff_and_no_store_also_on_errors()
    {
        var user = await api.CreateUserAsync();
        var anonymous = api.CreateClient();
        foreach (var response in new[]
                 {
                     await anonymous.GetAsync("/api/auth/options"),
                     await user.Client.GetAsync("/api/auth/me"),
                     await user.Client.GetAsync("/api/documents/doc_000000000000"),
                     await anonymous.GetAsync("/api/auth/me"),
                 })
        {
            Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
            Assert.True(response.Headers.CacheControl?.NoStore, $"{response.RequestMessage!.RequestUri} {(int)response.StatusCode} lacks Cache-Control: no-store");
        }
    }

    [Fact]
    public async Task Json_bodies_over_their_limit_get_413_before_they_are_read()
    {
        var anonymous = api.CreateClient();
        var padding = new string('가', 10_000);
        var signIn = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = "someone@soosan.com", password = padding });
        await AssertTooLargeAsync(signIn);

        var user = await api.CreateUserAsync();
        var chat = await user.Client.PostAsJsonAsync("/api/chat", new { question = new string('가', 400_000) });
        await AssertTooLargeAsync(chat);

        // Within the limits both are read and answered on their merits.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/login", new { email = "someone@soosan.com", password = "not-the-password" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await user.Client.PostAsJsonAsync("/api/chat", new { question = new string('가', 100_000) })).StatusCode);
    }

    private static async Task AssertTooLargeAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("too_large", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_search_with_1025_tags_gets_400_not_500()
    {
        var user = await api.CreateUserAsync();
        var many = Enumerable.Range(0, 1025).Select(i => $"태그{i}").ToArray();
        var response = await user.Client.PostAsJsonAsync("/api/search", new { query = "연차휴가", tags = many });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("tags", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        var allowed = await user.Client.PostAsJsonAsync("/api/search", new { query = "연차휴가", tags = many[..KnowledgeBase.Api.Endpoints.DocumentEndpoints.MaxSearchTags] });
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Theory]
    [InlineData("drawing.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>연차</text></svg>")]
    [InlineData("notes.txt", "<?xml version=\"1.0\"?>\n<!-- 그림 -->\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")]
    [InlineData("page.html", "\uFEFF<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x\"><svg/>")]
    public async Task Svg_is_refused_with_415_whatever_its_name_and_nothing_is_stored(string name, string content)
    {
        var user = await api.CreateUserAsync();
        var bytes = Encoding.UTF8.GetBytes(content + "\n" + Guid.NewGuid());
        var response = await Documents.UploadAsync(user.Client, name, bytes, contentType: "image/svg+xml");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("SVG", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        var id = "doc_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..12];
        Assert.Equal(HttpStatusCode.NotFound, (await user.Client.GetAsync($"/api/documents/{id}")).StatusCode);
    }

    [Fact]
    public async Task File_names_lose_direction_overrides_and_control_characters()
    {
        var user = await api.CreateUserAsync();
        // Shown as "급여명세exe.md" with the override; the real extension is what the listing must show.
        var spoofed = await Documents.UploadAsync(user.Client, "급여명세\u202Eexe.md", Encoding.UTF8.GetBytes("# 급여 명세\n\n기본급 안내 " + Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.Accepted, spoofed.StatusCode);
        var id = (await spoofed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString();
        var listed = await user.Client.GetFromJsonAsync<JsonElement>($"/api/documents/{id}");
        Assert.Equal("급여명세exe.md", listed.GetProperty("fileName").GetString());

        // An override that hides an unsupported extension no longer hides it.
        var hidden = await Documents.UploadAsync(user.Client, "사진\u202Etxt.exe", Encoding.UTF8.GetBytes("MZ" + Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, hidden.StatusCode);

        var bell = await Documents.UploadAsync(user.Client, "회의\u0007록\u200F.txt", Encoding.UTF8.GetBytes("회의록 " + Guid.NewGuid()));
        var bellId = (await bell.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString();
        Assert.Equal("회의록.txt", (await user.Client.GetFromJsonAsync<JsonElement>($"/api/documents/{bellId}")).GetProperty("fileName").GetString());
    }
}
