using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace KnowledgeBase.Tests.Api;

/// <summary>Chat through the api, the user grain and the real retriever over the Labor Standards Act.</summary>
[Collection(ApiCollection.Name)]
public sealed class ChatTests(ApiFactory api) : IAsyncLifetime
{
    private TestUser _user = null!;

    public async Task InitializeAsync()
    {
        _user = await api.CreateUserAsync();
        await Documents.UploadAndWaitAsync(_user.Client, TestData.LaborLaw("labor-standards-act.md"), "hr-policy");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Chat_streams_meta_sources_deltas_and_done_over_sse()
    {
        var response = await _user.Client.SendAsync(Sse.ChatRequest("연차 유급휴가는 며칠인가요?"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());

        var events = await Sse.ReadAllAsync(response);
        Assert.Equal("meta", events[0].Name);
        Assert.Equal("sources", events[1].Name);
        Assert.Equal("done", events[^1].Name);
        Assert.True(events.Count(e => e.Name == "delta") > 5, "the answer arrives in several pieces");

        var meta = events[0].Data;
        Assert.StartsWith("conv_", meta.GetProperty("conversationId").GetString());
        Assert.Contains("vacation", meta.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));

        var sources = events[1].Data.EnumerateArray().ToList();
        Assert.NotEmpty(sources);
        Assert.Contains("제60조", sources[0].GetProperty("section").GetString());

        var answer = Sse.Answer(events);
        Assert.Contains("15일", answer);
        var cited = Regex.Matches(answer, @"\[(\d+)\]").Select(m => int.Parse(m.Groups[1].Value)).ToHashSet();
        Assert.NotEmpty(cited);
        Assert.All(cited, n => Assert.InRange(n, 1, sources.Count));

        var done = events[^1].Data;
        var usage = done.GetProperty("usage");
        Assert.True(usage.GetProperty("promptTokens").GetInt32() > 0);
        Assert.Equal(usage.GetProperty("promptTokens").GetInt32() + usage.GetProperty("completionTokens").GetInt32(), usage.GetProperty("totalTokens").GetInt32());
        Assert.False(done.GetProperty("noResult").GetBoolean());
        Assert.True(done.GetProperty("latencyBreakdown").GetProperty("retrievalMs").GetDouble() >= 0);
    }

    [Fact]
    public async Task Chat_without_event_stream_returns_one_json_answer()
    {
        var response = await _user.Client.PostAsJsonAsync("/api/chat", new { question = "연장근로에 대한 가산임금은 얼마인가요?" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("msg_", body.GetProperty("messageId").GetString());
        Assert.Contains("100분의 50", body.GetProperty("answer").GetString());
        Assert.Contains(body.GetProperty("sources").EnumerateArray(), s => s.GetProperty("section").GetString()!.Contains("제56조"));
        Assert.Equal(0m, body.GetProperty("costUsd").GetDecimal());
    }

    [Fact]
    public async Task Follow_up_question_retrieves_with_the_conversation_context()
    {
        var first = await (await _user.Client.PostAsJsonAsync("/api/chat", new { question = "연차 유급휴가는 며칠 주어지나요?" })).Content.ReadFromJsonAsync<JsonElement>();
        var conversationId = first.GetProperty("conversationId").GetString();
        var followUp = await _user.Client.PostAsJsonAsync("/api/chat", new { question = "그럼 1년 미만은?", conversationId });
        var body = await followUp.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(conversationId, body.GetProperty("conversationId").GetString());
        Assert.Contains("제60조", body.GetProperty("sources")[0].GetProperty("section").GetString());
        Assert.Contains("1년 미만", body.GetProperty("answer").GetString());

        var history = await _user.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}");
        Assert.Equal(2, history.GetProperty("turns").GetArrayLength());
    }

    [Fact]
    public async Task The_same_question_with_the_same_sources_is_answered_from_the_cache_at_no_cost()
    {
        // A question the uploaded act answers: one nothing answers never reaches the model, so there is nothing to cache.
        var question = "연차 유급휴가의 사용 촉진은 어떻게 하나요? " + Guid.NewGuid().ToString("N")[..4];
        var first = await (await _user.Client.PostAsJsonAsync("/api/chat", new { question })).Content.ReadFromJsonAsync<JsonElement>();
        var second = await (await _user.Client.PostAsJsonAsync("/api/chat", new { question })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(first.GetProperty("cached").GetBoolean());
        Assert.True(first.GetProperty("usage").GetProperty("totalTokens").GetInt32() > 0);
        Assert.True(second.GetProperty("cached").GetBoolean());
        Assert.Equal(first.GetProperty("answer").GetString(), second.GetProperty("answer").GetString());
        Assert.Equal(0, second.GetProperty("usage").GetProperty("totalTokens").GetInt32());
    }

    [Fact]
    public async Task Nothing_relevant_says_so_plainly_and_marks_no_result()
    {
        var body = await (await _user.Client.PostAsJsonAsync("/api/chat", new { question = "화성 탐사 로버의 바퀴는 몇 개인가요?" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("noResult").GetBoolean());
        Assert.Empty(body.GetProperty("sources").EnumerateArray());
        Assert.Contains("찾을 수 없습니다", body.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task Every_turn_writes_one_rag_query_record_without_the_question_text()
    {
        var question = $"퇴직금 지급 기한은 언제인가요? {Guid.NewGuid():N}";
        var response = await _user.Client.PostAsJsonAsync("/api/chat", new { question });
        response.EnsureSuccessStatusCode();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(question)));

        // The log is written by a background writer: give it a moment.
        List<string> lines = [];
        for (var i = 0; i < 100 && !lines.Any(l => l.Contains(hash)); i++)
        {
            await Task.Delay(20);
            lines = Directory.GetFiles(api.LogDir, "rag-*.jsonl").SelectMany(ReadShared).ToList();
        }
        Assert.DoesNotContain(lines, l => l.Contains(question[..10]));
        var record = JsonDocument.Parse(lines.Single(l => l.Contains(hash))).RootElement;
        string[] expected = ["timestamp", "level", "logger", "event", "user_id", "question_hash", "question_length", "intent", "tags",
            "candidates_count", "used_chunks_count", "latency_ms", "latency_breakdown", "openai_tokens", "cost_usd", "sources", "no_result"];
        Assert.Equal(expected, record.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("rag.query", record.GetProperty("event").GetString());
        Assert.Equal(_user.UserId, record.GetProperty("user_id").GetString());
        Assert.Equal(question.Length, record.GetProperty("question_length").GetInt32());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", record.GetProperty("timestamp").GetString());
        Assert.Equal(["tagging_ms", "retrieval_ms", "generation_ms"], record.GetProperty("latency_breakdown").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(["prompt", "completion", "total"], record.GetProperty("openai_tokens").EnumerateObject().Select(p => p.Name).ToArray());
    }

    private static IEnumerable<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Conversations_belong_to_their_owner_only()
    {
        var mine = await (await _user.Client.PostAsJsonAsync("/api/chat", new { question = "해고 예고는 며칠 전에 해야 하나요?" })).Content.ReadFromJsonAsync<JsonElement>();
        var id = mine.GetProperty("conversationId").GetString();
        var messageId = mine.GetProperty("messageId").GetString();
        var other = await api.CreateUserAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync($"/api/conversations/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.DeleteAsync($"/api/conversations/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.PostAsJsonAsync("/api/chat", new { question = "그럼?", conversationId = id })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.PostAsJsonAsync($"/api/messages/{messageId}/feedback", new { rating = "down" })).StatusCode);
        Assert.DoesNotContain((await other.Client.GetFromJsonAsync<JsonElement>("/api/conversations")).EnumerateArray(), c => c.GetProperty("conversationId").GetString() == id);

        Assert.Contains((await _user.Client.GetFromJsonAsync<JsonElement>("/api/conversations")).EnumerateArray(), c => c.GetProperty("conversationId").GetString() == id);
        Assert.Equal(HttpStatusCode.NoContent, (await _user.Client.DeleteAsync($"/api/conversations/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _user.Client.GetAsync($"/api/conversations/{id}")).StatusCode);
    }

    [Fact]
    public async Task Feedback_is_recorded_and_reaches_the_admin_review_list()
    {
        var answer = await (await _user.Client.PostAsJsonAsync("/api/chat", new { question = "최저임금은 어떻게 결정되나요?" })).Content.ReadFromJsonAsync<JsonElement>();
        var messageId = answer.GetProperty("messageId").GetString();
        Assert.Equal(HttpStatusCode.BadRequest, (await _user.Client.PostAsJsonAsync($"/api/messages/{messageId}/feedback", new { rating = "meh" })).StatusCode);
        var ok = await _user.Client.PostAsJsonAsync($"/api/messages/{messageId}/feedback", new { rating = "down", reason = "wrong_answer", comment = "조문이 틀렸어요" });
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);

        var admin = await api.CreateAdminAsync();
        var reports = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/feedback?rating=down");
        var report = reports.EnumerateArray().Single(r => r.GetProperty("messageId").GetString() == messageId);
        Assert.Equal("wrong_answer", report.GetProperty("feedback").GetProperty("reason").GetString());
        Assert.Equal("최저임금은 어떻게 결정되나요?", report.GetProperty("question").GetString());
    }

    [Fact]
    public async Task Empty_or_huge_questions_get_400()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await _user.Client.PostAsJsonAsync("/api/chat", new { question = "  " })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _user.Client.PostAsJsonAsync("/api/chat", new { question = new string('가', 5000) })).StatusCode);
    }
}
