using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace KnowledgeBase.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class DocumentTests(ApiFactory api)
{
    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Upload_returns_202_then_the_same_bytes_return_200_with_the_same_id()
    {
        var user = await api.CreateUserAsync();
        var content = Utf8($"# 출장 규정\n\n## 제1조 (목적)\n\n출장비 정산 기준을 정한다. {Guid.NewGuid()}\n");
        var first = await Documents.UploadAsync(user.Client, "출장규정.md", content, "travel, hr-policy");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString()!;
        Assert.Matches("^doc_[0-9a-f]{12}$", id);

        var again = await Documents.UploadAsync((await api.CreateUserAsync()).Client, "copy.md", content);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(id, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString());

        var ready = await Documents.WaitForStatusAsync(user.Client, id, "ready");
        Assert.Equal("출장규정.md", ready.GetProperty("fileName").GetString());
        Assert.True(ready.GetProperty("chunkCount").GetInt32() >= 1);
        Assert.Equal(["travel", "hr-policy"], ready.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(user.UserId, ready.GetProperty("uploadedBy").GetString());

        var original = await user.Client.GetByteArrayAsync($"/api/documents/{id}/content");
        Assert.Equal(content, original);

        var list = await user.Client.GetFromJsonAsync<JsonElement>("/api/documents?q=출장");
        Assert.Contains(list.GetProperty("items").EnumerateArray(), d => d.GetProperty("documentId").GetString() == id);
    }

    [Fact]
    public async Task Only_the_uploader_or_an_admin_may_delete_and_deleting_removes_it_from_search()
    {
        var owner = await api.CreateUserAsync();
        var marker = "큐브릭" + Guid.NewGuid().ToString("N")[..6];
        var id = await UploadReadyAsync(owner, $"# 보안 규정\n\n사내 보안 담당 부서의 코드명은 {marker}이다.\n");
        var stranger = await api.CreateUserAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.Client.DeleteAsync($"/api/documents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.Client.PostAsync($"/api/documents/{id}/reindex", null)).StatusCode);

        Assert.NotEmpty(await SearchAsync(owner, marker));
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/documents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Client.GetAsync($"/api/documents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Client.GetAsync($"/api/documents/{id}/content")).StatusCode);
        Assert.Empty(await SearchAsync(owner, marker));

        var adminDeletes = await UploadReadyAsync(owner, $"# 임시 문서\n\n{Guid.NewGuid()}\n");
        Assert.Equal(HttpStatusCode.NoContent, (await (await api.CreateAdminAsync()).Client.DeleteAsync($"/api/documents/{adminDeletes}")).StatusCode);
    }

    [Fact]
    public async Task Replacing_a_document_serves_only_the_new_version_once_ready()
    {
        var owner = await api.CreateUserAsync();
        var id = await UploadReadyAsync(owner, "# 복지 규정\n\n경조 휴가는 옛날규정 기준으로 3일이다.\n");
        Assert.NotEmpty(await SearchAsync(owner, "옛날규정"));

        using var form = new MultipartFormDataContent { { new ByteArrayContent(Utf8("# 복지 규정\n\n경조 휴가는 새로운규정 기준으로 5일이다.\n")), "file", "복지규정-v2.md" } };
        var replaced = await owner.Client.PutAsync($"/api/documents/{id}", form);
        Assert.Equal(HttpStatusCode.Accepted, replaced.StatusCode);
        var info = await Documents.WaitForStatusAsync(owner.Client, id, "ready");
        Assert.Equal(2, info.GetProperty("version").GetInt32());
        Assert.NotEmpty(await SearchAsync(owner, "새로운규정"));
        Assert.Empty(await SearchAsync(owner, "옛날규정"));
    }

    [Fact]
    public async Task Search_returns_chunks_with_section_paths_and_honours_tag_filters()
    {
        var user = await api.CreateUserAsync();
        var tagged = await UploadReadyAsync(user, "# 재택근무 지침\n\n## 제2조 (신청)\n\n재택근무 신청은 전날까지 팀장에게 한다.\n", "remote-work");
        var results = await SearchAsync(user, "재택근무 신청", tags: ["remote-work"]);
        var top = results[0];
        Assert.Equal(tagged, top.GetProperty("documentId").GetString());
        Assert.Contains("제2조", top.GetProperty("section").GetString());
        Assert.StartsWith(tagged + "_", top.GetProperty("chunkId").GetString());
        Assert.Empty(await SearchAsync(user, "재택근무 신청", tags: ["no-such-tag"]));

        Assert.Equal(HttpStatusCode.BadRequest, (await user.Client.PostAsJsonAsync("/api/search", new { query = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await user.Client.PostAsJsonAsync("/api/search", new { query = "x", topK = 500 })).StatusCode);
    }

    [Fact]
    public async Task Bad_files_get_a_clear_error_or_a_failed_status_with_the_reason()
    {
        var user = await api.CreateUserAsync();
        var empty = await Documents.UploadAsync(user.Client, "empty.pdf", []);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("empty_file", (await empty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        var noFile = await user.Client.PostAsync("/api/documents", new MultipartFormDataContent { { new StringContent("x"), "other" } });
        Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
        var notMultipart = await user.Client.PostAsJsonAsync("/api/documents", new { file = "x" });
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notMultipart.StatusCode);

        var corrupt = await Documents.UploadAsync(user.Client, "broken.pdf", Utf8("%PDF-1.7\n1 0 obj << /Type /Catalog" + Guid.NewGuid()));
        var id = (await corrupt.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString()!;
        var failed = await Documents.WaitForStatusAsync(user.Client, id, "failed");
        Assert.Equal("corrupt_file", failed.GetProperty("errorCode").GetString());
        Assert.False(string.IsNullOrWhiteSpace(failed.GetProperty("error").GetString()));

        Assert.Equal(HttpStatusCode.NotFound, (await user.Client.GetAsync("/api/documents/doc_ffffffffffff")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.Client.GetAsync("/api/documents/../../etc/passwd")).StatusCode);
    }

    [Theory]
    [InlineData("tool.exe", "MZ", "EXE")]
    [InlineData("photo.png", "\u0089PNG\r\n\u001a\n", "PNG")]
    [InlineData("archive.zip", "PK\u0003\u0004", "ZIP")]
    [InlineData("report.pdf", "this is not a pdf", "PDF")]
    [InlineData("notes.txt", "\u0089PNG\r\n\u001a\n\u0000\u0000", "텍스트로 읽을 수 없는")]
    [InlineData("old.doc", "\u00D0\u00CF\u0011\u00E0\u00A1\u00B1\u001A\u00E1", "DOCX")]
    public async Task Unsupported_files_are_refused_at_upload_with_415_and_the_reason_and_nothing_is_stored(string name, string start, string reason)
    {
        var user = await api.CreateUserAsync();
        var bytes = start.Select(c => (byte)c).Concat(Guid.NewGuid().ToByteArray()).Concat(new byte[512]).ToArray();
        var response = await Documents.UploadAsync(user.Client, name, bytes);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unsupported_media_type", problem.GetProperty("type").GetString());
        Assert.Contains(reason, problem.GetProperty("detail").GetString());
        var id = "doc_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..12];
        Assert.Equal(HttpStatusCode.NotFound, (await user.Client.GetAsync($"/api/documents/{id}")).StatusCode);
        var list = await user.Client.GetFromJsonAsync<JsonElement>($"/api/documents?q={Uri.EscapeDataString(name)}");
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), d => d.GetProperty("fileName").GetString() == name);
    }

    [Fact]
    public async Task Supported_formats_still_pass_the_upload_check()
    {
        var user = await api.CreateUserAsync();
        var text = await Documents.UploadAsync(user.Client, "규정.txt", Utf8($"휴가 규정 {Guid.NewGuid()}"));
        Assert.Equal(HttpStatusCode.Accepted, text.StatusCode);
        var cp949 = System.Text.CodePagesEncodingProvider.Instance.GetEncoding(949)!.GetBytes($"예전 인코딩의 한국어 문서 {Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.Accepted, (await Documents.UploadAsync(user.Client, "예전.txt", cp949)).StatusCode);
        var html = Utf8($"<!doctype html><html><body><h1>안내</h1><p>{Guid.NewGuid()}</p></body></html>");
        Assert.Equal(HttpStatusCode.Accepted, (await Documents.UploadAsync(user.Client, "안내.html", html)).StatusCode);
    }

    private async Task<string> UploadReadyAsync(TestUser user, string markdown, string? tags = null)
    {
        var response = await Documents.UploadAsync(user.Client, "doc.md", Utf8(markdown), tags);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString()!;
        await Documents.WaitForStatusAsync(user.Client, id, "ready");
        return id;
    }

    private static async Task<List<JsonElement>> SearchAsync(TestUser user, string query, string[]? tags = null)
    {
        var response = await user.Client.PostAsJsonAsync("/api/search", new { query, topK = 5, tags });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray()
            .Where(r => r.GetProperty("text").GetString()!.Contains(query.Split(' ')[0])).ToList();
    }
}
