using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Bench;

/// <summary>The floor the product is compared against: a plain ASP.NET Core handler that relays the same model stub's
/// streamed answer as SSE, with no Orleans, no auth, no retrieval, no storage and no accounting. With
/// <c>embedQuestion</c> it first asks the stub for the question's embedding, as every product turn does in OpenAI mode,
/// so that it makes the same two model round trips as a turn and strictly less of everything else.</summary>
public sealed class BaselineServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BaselineServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public static async Task<BaselineServer> StartAsync(string modelBaseUrl, int port, bool embedQuestion = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var model = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 4096 }) { BaseAddress = new Uri(modelBaseUrl.TrimEnd('/') + "/") };
        app.MapPost("/api/chat", (HttpContext context) => RelayAsync(context, model, embedQuestion));
        app.MapGet("/api/auth/me", () => Results.Json(new { userId = "baseline", budget = new { usedToday = 0 } }));
        await app.StartAsync();
        return new BaselineServer(app, $"http://127.0.0.1:{port}");
    }

    private static async Task RelayAsync(HttpContext context, HttpClient model, bool embedQuestion)
    {
        var question = (await JsonDocument.ParseAsync(context.Request.Body)).RootElement.GetProperty("question").GetString();
        if (embedQuestion)
        {
            var embed = JsonSerializer.Serialize(new { model = "text-embedding-3-small", input = new[] { question } });
            using var embedding = await model.PostAsync("embeddings", new StringContent(embed, Encoding.UTF8, "application/json"), context.RequestAborted);
            using var vector = await JsonDocument.ParseAsync(await embedding.Content.ReadAsStreamAsync(context.RequestAborted));
            if (vector.RootElement.GetProperty("data").GetArrayLength() != 1) throw new InvalidOperationException("no embedding");
        }
        var body = JsonSerializer.Serialize(new
        {
            model = "gpt-4o-mini",
            stream = true,
            messages = new[] { new { role = "user", content = question } },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", "bench-key");
        using var response = await model.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync("event: meta\ndata: {\"conversationId\":\"baseline\"}\n\n");
        await context.Response.Body.FlushAsync();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(context.RequestAborted));
        // Flushed when the model has nothing more buffered, as the product's SSE writer does, not once per word.
        var next = reader.ReadLineAsync(context.RequestAborted);
        while (true)
        {
            if (!next.IsCompleted) await context.Response.Body.FlushAsync();
            if (await next is not { } line) break;
            next = reader.ReadLineAsync(context.RequestAborted);
            if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]") continue;
            using var chunk = JsonDocument.Parse(line.AsMemory(6));
            var choices = chunk.RootElement.GetProperty("choices");
            if (choices.GetArrayLength() == 0 || !choices[0].GetProperty("delta").TryGetProperty("content", out var content)) continue;
            await context.Response.WriteAsync($"event: delta\ndata: {JsonSerializer.Serialize(new { text = content.GetString() })}\n\n");
        }
        await context.Response.WriteAsync("event: done\ndata: {}\n\n");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
