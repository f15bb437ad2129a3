using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using KnowledgeBase.Grains.Models;
using KnowledgeBase.OpenAiStub;

namespace KnowledgeBase.Tests.Models;

/// <summary>The stub's wire format read with a plain HTTP client, byte for byte as a non-.NET client would see it.</summary>
public sealed class OpenAiStubServerTests
{
    private static readonly HttpClient Http = new();

    private static HttpRequestMessage Post(OpenAiStubServer stub, string route, string json) => new(HttpMethod.Post, stub.BaseUrl + route)
    {
        Content = new StringContent(json, Encoding.UTF8, "application/json"),
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "sk-test") },
    };

    [Fact]
    public async Task Stream_is_sse_chunks_then_finish_then_usage_then_done()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { Responder = _ => "안녕하세요 반갑습니다 [1]." });
        using var request = Post(stub, "/chat/completions",
            """{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"안녕"}]}""");

        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("\n\ndata: [DONE]\n\n", body);
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e));
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());

        var first = chunks[0].GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal("assistant", first.GetProperty("role").GetString());
        var contents = chunks.Skip(1).Take(3).Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
        Assert.Equal(["안녕하세요", " 반갑습니다", " [1]."], contents);

        var finish = chunks[^2].GetProperty("choices")[0];
        Assert.Equal("stop", finish.GetProperty("finish_reason").GetString());
        var usageChunk = chunks[^1];
        Assert.Equal(0, usageChunk.GetProperty("choices").GetArrayLength());
        var usage = usageChunk.GetProperty("usage");
        Assert.Equal(3, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + 3, usage.GetProperty("total_tokens").GetInt32());
        Assert.All(chunks[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind));
    }

    [Fact]
    public async Task Stream_reports_the_first_token_wait_it_really_made_with_the_request()
    {
        var waits = new System.Collections.Concurrent.ConcurrentQueue<(string? Question, TimeSpan Waited)>();
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions
        {
            FirstTokenDelay = TimeSpan.FromMilliseconds(80),
            FirstTokenWaited = (chat, waited) => waits.Enqueue((chat.LastUserMessage, waited)),
        });
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var request = Post(stub, "/chat/completions", """{"model":"m","stream":true,"messages":[{"role":"user","content":"연차는 며칠? (7-3-1)"}]}""");
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await response.Content.ReadAsStringAsync();
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);

        var (question, waited) = Assert.Single(waits);
        Assert.Equal("연차는 며칠? (7-3-1)", question);
        // .NET's timer ticks in whole milliseconds and may end a wait a little early; it never ends it at once.
        Assert.InRange(waited, TimeSpan.FromMilliseconds(70), elapsed);
    }

    [Fact]
    public async Task Stream_without_include_usage_sends_no_usage_chunk()
    {
        await using var stub = await OpenAiStubServer.StartAsync();
        using var request = Post(stub, "/chat/completions", """{"model":"m","stream":true,"messages":[{"role":"user","content":"질문"}]}""");

        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("\"usage\"", body);
        Assert.EndsWith("data: [DONE]\n\n", body);
    }

    [Fact]
    public async Task Max_tokens_cuts_the_answer_with_finish_reason_length()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { Responder = _ => "하나 둘 셋 넷 다섯" });
        using var request = Post(stub, "/chat/completions", """{"model":"m","max_tokens":2,"messages":[{"role":"user","content":[{"type":"text","text":"세어 봐"}]}]}""");

        using var response = await Http.SendAsync(request);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        var choice = root.GetProperty("choices")[0];
        Assert.Equal("하나 둘", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(2, root.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("세어 봐", Assert.Single(stub.ChatRequests).Chat!.Messages[0].Content);
    }

    [Fact]
    public async Task Base64_embeddings_are_little_endian_float32()
    {
        await using var stub = await OpenAiStubServer.StartAsync();
        using var request = Post(stub, "/embeddings", """{"model":"text-embedding-3-small","input":["가나다","라마바"],"encoding_format":"base64","dimensions":4}""");

        using var response = await Http.SendAsync(request);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("list", root.GetProperty("object").GetString());
        var data = root.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(i, data[i].GetProperty("index").GetInt32());
            var bytes = Convert.FromBase64String(data[i].GetProperty("embedding").GetString()!);
            var floats = Enumerable.Range(0, 4).Select(k => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(k * 4))).ToArray();
            Assert.Equal(StubEmbeddings.Embed(i == 0 ? "가나다" : "라마바", 4), floats);
        }
        Assert.True(root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task Float_embeddings_for_a_single_string_are_unit_vectors()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { EmbeddingDimensions = 16 });
        using var request = Post(stub, "/embeddings", """{"model":"e","input":"연차휴가"}""");

        using var response = await Http.SendAsync(request);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        var vector = root.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(16, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 4);
    }

    [Fact]
    public void Similar_texts_embed_closer_than_unrelated_ones()
    {
        static double Cosine(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();
        var leave = StubEmbeddings.Embed("연차휴가 일수", 256);
        var leaveAgain = StubEmbeddings.Embed("연차휴가는 며칠", 256);
        var other = StubEmbeddings.Embed("퇴직금 계산 방법", 256);

        Assert.True(Cosine(leave, leaveAgain) > Cosine(leave, other));
    }

    [Fact]
    public async Task Injected_429_carries_retry_after_and_an_openai_error_body()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { FailFirst = 1 });
        using var first = Post(stub, "/chat/completions", """{"model":"m","messages":[]}""");
        using var second = Post(stub, "/chat/completions", """{"model":"m","messages":[]}""");

        using var limited = await Http.SendAsync(first);
        using var ok = await Http.SendAsync(second);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.Zero, limited.Headers.RetryAfter?.Delta);
        var error = JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("rate_limit_exceeded", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Unknown_routes_and_bad_bodies_get_openai_errors()
    {
        await using var stub = await OpenAiStubServer.StartAsync();
        using var unknown = Post(stub, "/completions", "{}");
        using var bad = Post(stub, "/chat/completions", "{not json");

        using var notFound = await Http.SendAsync(unknown);
        using var badRequest = await Http.SendAsync(bad);

        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badRequest.StatusCode);
        Assert.Equal("invalid_request_error",
            JsonDocument.Parse(await badRequest.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Usage_can_be_counted_with_the_o200k_tokenizer()
    {
        var counter = new TiktokenTokenCounter();
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { CountTokens = counter.Count });
        using var request = Post(stub, "/chat/completions", """{"model":"m","messages":[{"role":"user","content":"연차휴가는 며칠인가요?"}]}""");

        using var response = await Http.SendAsync(request);
        var usage = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("usage");

        var served = Assert.Single(stub.ChatRequests);
        Assert.Equal(counter.Count(served.AnswerText!), usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(3 + 3 + counter.Count("연차휴가는 며칠인가요?"), usage.GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Reset_starts_fault_injection_over()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { FailFirst = 1 });
        const string json = """{"model":"m","messages":[]}""";

        using var a = await Http.SendAsync(Post(stub, "/chat/completions", json));
        stub.Reset();
        using var b = await Http.SendAsync(Post(stub, "/chat/completions", json));
        using var c = await Http.SendAsync(Post(stub, "/chat/completions", json));

        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.OK], new[] { a.StatusCode, b.StatusCode, c.StatusCode });
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task Models_lists_the_chat_and_embedding_models()
    {
        await using var stub = await OpenAiStubServer.StartAsync();

        var root = JsonDocument.Parse(await Http.GetStringAsync(stub.BaseUrl + "/models")).RootElement;

        Assert.Equal(["gpt-4o-mini", "text-embedding-3-small"], root.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Recording_can_be_turned_off_for_benchmarks()
    {
        await using var stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { RecordRequests = false });
        using var request = Post(stub, "/chat/completions", """{"model":"m","messages":[{"role":"user","content":"질문"}]}""");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, stub.RequestCount);
        Assert.Empty(stub.Requests);
    }
}
