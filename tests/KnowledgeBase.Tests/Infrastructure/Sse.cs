using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace KnowledgeBase.Tests.Infrastructure;

public sealed record SseEvent(string Name, JsonElement Data);

/// <summary>Reads a text/event-stream response the way a browser's EventSource would.</summary>
public static class Sse
{
    public static HttpRequestMessage ChatRequest(string question, string? conversationId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { question, conversationId }) };
        request.Headers.Accept.ParseAdd("text/event-stream");
        return request;
    }

    public static async IAsyncEnumerable<SseEvent> ReadAsync(HttpResponseMessage response)
    {
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null) yield return new SseEvent(name, JsonDocument.Parse(data.ToString()).RootElement.Clone());
                name = null;
                data.Clear();
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Append(line[6..]);
        }
    }

    public static async Task<List<SseEvent>> ReadAllAsync(HttpResponseMessage response)
    {
        var all = new List<SseEvent>();
        await foreach (var e in ReadAsync(response)) all.Add(e);
        return all;
    }

    public static string Answer(IEnumerable<SseEvent> events)
        => string.Concat(events.Where(e => e.Name == "delta").Select(e => e.Data.GetProperty("text").GetString()));
}
