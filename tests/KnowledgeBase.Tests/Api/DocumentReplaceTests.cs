using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace KnowledgeBase.Tests.Api;

/// <summary>Replacement's edges: the originals a failed replacement leaves, and the bytes a document no longer holds.</summary>
[Collection(ApiCollection.Name)]
public sealed class DocumentReplaceTests(ApiFactory api)
{
    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + "\n" + Guid.NewGuid() + "\n");

    private static async Task<HttpResponseMessage> ReplaceAsync(TestUser user, string id, string name, byte[] content)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(content), "file", name } };
        return await user.Client.PutAsync($"/api/documents/{id}", form);
    }

    private static async Task<string> IdOf(HttpResponseMessage response)
        => (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString()!;

    [Fact]
    public async Task After_failed_replacements_deleting_the_document_leaves_no_original_on_disk()
    {
        var owner = await api.CreateUserAsync();
        var upload = await Documents.UploadAsync(owner.Client, "출장규정.md", Utf8("# 출장 규정\n\n국내 출장비는 실비로 정산한다."));
        var id = await IdOf(upload);
        await Documents.WaitForStatusAsync(owner.Client, id, "ready");
        var folder = Path.Combine(api.Root, "storage", "documents", id);

        // Replacements that pass the upload check but fail ingestion (a PDF without a readable body), twice.
        foreach (var attempt in new[] { 1, 2 })
        {
            Assert.Equal(HttpStatusCode.Accepted, (await ReplaceAsync(owner, id, $"broken{attempt}.pdf", Utf8("%PDF-1.7\n1 0 obj << /Type /Catalog"))).StatusCode);
            Assert.Equal("corrupt_file", (await Documents.WaitForStatusAsync(owner.Client, id, "failed")).GetProperty("errorCode").GetString());
        }
        Assert.NotEmpty(Directory.GetFiles(folder));

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/documents/{id}")).StatusCode);
        Assert.Empty(Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories) : []);
    }

    [Fact]
    public async Task Uploading_a_replaced_file_again_makes_its_own_document_and_never_returns_the_replacement()
    {
        var a = await api.CreateUserAsync();
        var x = Utf8("# 주차 규정\n\n주차장은 지하 2층을 쓴다.");
        var y = Utf8("# 주차 규정\n\n주차장은 지하 3층으로 옮겼다.");
        var first = await IdOf(await Documents.UploadAsync(a.Client, "주차규정.md", x));
        await Documents.WaitForStatusAsync(a.Client, first, "ready");
        Assert.Equal(HttpStatusCode.Accepted, (await ReplaceAsync(a, first, "주차규정.md", y)).StatusCode);
        await Documents.WaitForStatusAsync(a.Client, first, "ready");

        var b = await api.CreateUserAsync();
        var again = await Documents.UploadAsync(b.Client, "주차규정-옛판.md", x);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var second = await IdOf(again);
        Assert.NotEqual(first, second);
        await Documents.WaitForStatusAsync(b.Client, second, "ready");
        Assert.Equal(x, await b.Client.GetByteArrayAsync($"/api/documents/{second}/content"));
        Assert.Equal(y, await a.Client.GetByteArrayAsync($"/api/documents/{first}/content"));

        // The same bytes once more are that same new document.
        var third = await Documents.UploadAsync(a.Client, "주차규정.md", x);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(second, await IdOf(third));
    }
}
