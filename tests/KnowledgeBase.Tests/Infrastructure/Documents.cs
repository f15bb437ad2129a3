using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace KnowledgeBase.Tests.Infrastructure;

/// <summary>Upload and wait helpers over the real /api/documents endpoints.</summary>
public static class Documents
{
    public static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string fileName, byte[] content, string? tags = null, string contentType = "application/octet-stream")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        if (tags is not null) form.Add(new StringContent(tags), "tags");
        return await client.PostAsync("/api/documents", form);
    }

    public static async Task<string> UploadAndWaitAsync(HttpClient client, string path, string? tags = null)
    {
        var response = await UploadAsync(client, Path.GetFileName(path), await File.ReadAllBytesAsync(path), tags);
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString()!;
        await WaitForStatusAsync(client, id, "ready");
        return id;
    }

    public static async Task<JsonElement> WaitForStatusAsync(HttpClient client, string documentId, params string[] statuses)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await client.GetFromJsonAsync<JsonElement>($"/api/documents/{documentId}");
            var status = last.GetProperty("status").GetString();
            if (statuses.Contains(status)) return last;
            if (status == "failed" && !statuses.Contains("failed"))
                throw new InvalidOperationException($"{documentId} failed: {last.GetProperty("error").GetString()}");
            await Task.Delay(50);
        }
        throw new TimeoutException($"{documentId} did not reach {string.Join("/", statuses)}: {last}");
    }
}
