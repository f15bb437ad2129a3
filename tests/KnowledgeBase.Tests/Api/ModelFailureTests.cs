using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgeBase.OpenAiStub;

namespace KnowledgeBase.Tests.Api;

/// <summary>The api answering through the OpenAI-compatible stub with no retries and a short idle timeout, so a test
/// can make the model fail or fall silent.</summary>
public sealed class FailingModelFixture : StubbedModelFixture
{
    protected override OpenAiStubOptions StubOptions() => new() { FaultsOnChatOnly = true };

    protected override Dictionary<string, string?> ModelSettings() => new()
    {
        ["OPENAI_API_KEY"] = "sk-test-failing-model",
        ["OPENAI_MAX_RETRIES"] = "0",
        ["CHAT_MODEL_IDLE_TIMEOUT_SECONDS"] = "2",
    };
}

/// <summary>A turn the model could not answer is reported as what it was and charges only what the model reported; a
/// question no document answers asks the model for search queries only; a regenerated turn takes the old one's place and keeps its real time.</summary>
public sealed class ModelFailureTests(FailingModelFixture fixture) : IClassFixture<FailingModelFixture>, IDisposable
{
    private static async Task<long> UsedTodayAsync(TestUser user)
        => (await user.Client.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("budget").GetProperty("usedToday").GetInt64();

    public void Dispose()
    {
        fixture.Stub.Options.FailWith500 = 0;
        fixture.Stub.Options.FirstTokenDelay = TimeSpan.Zero;
        fixture.Stub.Options.Responder = OpenAiStubServer.DefaultAnswer;
        fixture.Stub.Reset();
    }

    [Fact]
    public async Task A_model_error_ends_the_turn_with_model_error_and_charges_nothing()
    {
        var user = await fixture.Api.CreateUserAsync();
        fixture.Stub.Reset();
        fixture.Stub.Options.FailWith500 = int.MaxValue;
        var response = await user.Client.PostAsJsonAsync("/api/chat", new { question = "연차 유급휴가는 며칠인가요? " + Guid.NewGuid().ToString("N")[..6] });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("model_error", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.NotEmpty(fixture.Stub.ChatRequests);
        Assert.Equal(0, await UsedTodayAsync(user));
    }

    [Fact]
    public async Task A_model_that_sends_nothing_ends_the_turn_with_model_timeout_and_charges_nothing()
    {
        var user = await fixture.Api.CreateUserAsync();
        fixture.Stub.Options.FirstTokenDelay = TimeSpan.FromMinutes(5);
        var events = await Sse.ReadAllAsync(await user.Client.SendAsync(
            Sse.ChatRequest("연차 유급휴가는 며칠인가요? " + Guid.NewGuid().ToString("N")[..6]), HttpCompletionOption.ResponseHeadersRead));
        var error = Assert.Single(events, e => e.Name == "error");
        Assert.Equal("model_timeout", error.Data.GetProperty("code").GetString());
        Assert.DoesNotContain(events, e => e.Name == "done");
        Assert.Equal(0, await UsedTodayAsync(user));
    }

    [Fact]
    public async Task A_question_no_document_answers_asks_the_model_only_for_search_queries_and_costs_only_those()
    {
        var user = await fixture.Api.CreateUserAsync();
        fixture.Stub.Reset();
        fixture.Stub.Options.Responder = request => QueryRewriteFixture.IsRewrite(request) ? "화성 탐사 로버 바퀴 개수" : OpenAiStubServer.DefaultAnswer(request);
        var body = await (await user.Client.PostAsJsonAsync("/api/chat", new { question = "화성 탐사 로버의 바퀴는 몇 개인가요?" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("noResult").GetBoolean());
        Assert.Contains("찾을 수 없습니다", body.GetProperty("answer").GetString());
        // No answer is asked for; the search-query rewrite is, and it is all the turn costs.
        var rewrite = Assert.Single(fixture.Stub.ChatRequests);
        Assert.True(QueryRewriteFixture.IsRewrite(rewrite.Chat!));
        Assert.Equal(rewrite.Usage!.TotalTokens, body.GetProperty("usage").GetProperty("totalTokens").GetInt32());
        Assert.Equal(rewrite.Usage.TotalTokens, await UsedTodayAsync(user));
    }

    [Fact]
    public async Task A_regenerated_answer_replaces_the_last_turn_and_the_stored_turn_keeps_its_time()
    {
        var user = await fixture.Api.CreateUserAsync();
        var first = await (await user.Client.PostAsJsonAsync("/api/chat", new { question = "연차 유급휴가는 며칠인가요? " + Guid.NewGuid().ToString("N")[..6] }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var conversation = first.GetProperty("conversationId").GetString();
        fixture.Stub.Options.Responder = _ => "다시 생성한 답변: 연차는 15일입니다 [1].";
        var again = await (await user.Client.PostAsJsonAsync("/api/chat", new
        {
            question = "연차 유급휴가는 며칠인가요?", conversationId = conversation, replaces = first.GetProperty("messageId").GetString(),
        })).Content.ReadFromJsonAsync<JsonElement>();

        var stored = await user.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversation}");
        var turn = Assert.Single(stored.GetProperty("turns").EnumerateArray());
        Assert.Equal(again.GetProperty("messageId").GetString(), turn.GetProperty("messageId").GetString());
        Assert.Equal("연차 유급휴가는 며칠인가요?", turn.GetProperty("question").GetString());
        Assert.StartsWith("다시 생성한 답변", turn.GetProperty("answer").GetString());
        Assert.True(turn.GetProperty("latencyMs").GetDouble() > 0);

        // A message id from elsewhere replaces nothing: the turn is added.
        await user.Client.PostAsJsonAsync("/api/chat", new { question = "추가 질문입니다", conversationId = conversation, replaces = "msg_someone_else" });
        Assert.Equal(2, (await user.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversation}")).GetProperty("turns").GetArrayLength());
    }
}
