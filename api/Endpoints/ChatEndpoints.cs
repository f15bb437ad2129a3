using System.Text;
using System.Text.Json;
using KnowledgeBase.Api.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Api.Endpoints;

public sealed record ChatBody(string? Question, string? ConversationId, string? Replaces = null);

public sealed record ChatAnswer(
    string ConversationId, string MessageId, string Answer, string Intent, IReadOnlyList<string> Tags,
    IReadOnlyList<SourceReference> Sources, TokenUsage Usage, decimal CostUsd, double LatencyMs,
    LatencyBreakdown LatencyBreakdown, bool NoResult, IReadOnlyList<int> CitedSources, bool Cached);

public sealed record RenameBody(string? Title);
public sealed record FeedbackBody(string? Rating, string? Reason, string? Comment);

public static class ChatEndpoints
{
    /// <summary>A question is a question, not a document: longer text belongs in an upload.</summary>
    public const int MaxQuestionLength = 4000;

    private static readonly string[] Ratings = ["up", "down"];
    private static readonly string[] Reasons = ["wrong_answer", "not_helpful", "other"];

    public static IEndpointRouteBuilder MapChatEndpoints(this IEndpointRouteBuilder app)
    {
        var chat = app.MapGroup("/api").RequireAuthorization().WithTags("chat");
        chat.MapPost("/chat", ChatAsync);
        chat.MapGet("/conversations", ListAsync);
        chat.MapGet("/conversations/{id}", GetAsync);
        chat.MapPatch("/conversations/{id}", RenameAsync);
        chat.MapDelete("/conversations/{id}", DeleteAsync);
        chat.MapPost("/messages/{messageId}/feedback", FeedbackAsync);
        return app;
    }

    /// <summary>Streams SSE when the client accepts text/event-stream; otherwise answers with one JSON object.
    /// Refusals (rate limit, budget) arrive as the grain's first event and become HTTP errors before anything is sent.</summary>
    private static async Task<IResult> ChatAsync(ChatBody body, HttpContext context, [FromServices] SessionGrains sessions,
        [FromServices] IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        if (string.IsNullOrWhiteSpace(body.Question)) return Problems.BadRequest("질문을 입력해 주세요. (The question is empty.)");
        if (body.Question.Length > MaxQuestionLength)
            return Problems.BadRequest($"질문은 {MaxQuestionLength:N0}자 이하로 입력해 주세요. (A question is at most {MaxQuestionLength:N0} characters.)");
        var aborted = context.RequestAborted;
        using var turn = ApiTelemetry.StartChat();
        var grain = sessions.For(context.User.Id());
        var events = turn.Observe(grain.AskAsync(new ChatRequest(body.Question, string.IsNullOrWhiteSpace(body.ConversationId) ? null : body.ConversationId,
            string.IsNullOrWhiteSpace(body.Replaces) ? null : body.Replaces), aborted));
        await using var enumerator = events.GetAsyncEnumerator(aborted);
        if (!await enumerator.MoveNextAsync()) return Problems.Create(503, ChatErrorCodes.ModelError, "응답이 없습니다. (No response.)");
        if (enumerator.Current is ErrorEvent refusal) return Problems.FromChatError(context, refusal);

        var streaming = context.Request.Headers.Accept.Any(a => a?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true);
        return streaming
            ? await StreamAsync(context, enumerator, json.Value.SerializerOptions)
            : await CollectAsync(context, enumerator);
    }

    /// <summary>Relays the turn's events as SSE. A failure after the stream started cannot change the status any more:
    /// it ends the stream with an `error` event (the outage's code, or internal_error), never with a silent close.</summary>
    private static async Task<IResult> StreamAsync(HttpContext context, IAsyncEnumerator<ChatEvent> events, JsonSerializerOptions json)
    {
        await using var sse = await SseWriter.StartAsync(context, json);
        var aborted = context.RequestAborted;
        try
        {
            while (true)
            {
                var (name, payload) = events.Current switch
                {
                    MetaEvent m => ("meta", (object)m),
                    SourcesEvent s => ("sources", s.Sources),
                    DeltaEvent d => ("delta", d),
                    DoneEvent d => ("done", d),
                    ErrorEvent e => ("error", e),
                    _ => (null, null!),
                };
                if (name is not null) await sse.WriteAsync(name, payload, aborted, flush: false);
                // Flush only when the next event is not already here, so a burst of deltas leaves in one write.
                var next = events.MoveNextAsync();
                if (!next.IsCompleted) await sse.FlushAsync(aborted);
                if (!await next) break;
            }
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested)
        {
            var code = TransientProblems.CodeOf(ex);
            if (code is null)
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ChatEndpoints)).LogError(ex, "Chat stream failed");
            var error = code is null
                ? new ErrorEvent("internal_error", "답변 중 오류가 발생했습니다. 다시 시도해 주세요. (The answer failed; try again.)", null)
                : new ErrorEvent(code, TransientProblems.Title(code), TransientCodes.RetryAfterSeconds(code));
            await sse.WriteAsync("error", error, aborted);
            return TypedResults.Empty;
        }
        await sse.FlushAsync(aborted);
        return TypedResults.Empty;
    }

    private static async Task<IResult> CollectAsync(HttpContext context, IAsyncEnumerator<ChatEvent> events)
    {
        MetaEvent? meta = null;
        IReadOnlyList<SourceReference> sources = [];
        var answer = new StringBuilder();
        do
        {
            switch (events.Current)
            {
                case MetaEvent m: meta = m; break;
                case SourcesEvent s: sources = s.Sources; break;
                case DeltaEvent d: answer.Append(d.Text); break;
                case ErrorEvent e: return Problems.FromChatError(context, e);
                case DoneEvent done:
                    return TypedResults.Ok(new ChatAnswer(meta!.ConversationId, meta.MessageId, answer.ToString(), meta.Intent, meta.Tags,
                        sources, done.Usage, done.CostUsd, done.LatencyMs, done.LatencyBreakdown, done.NoResult, done.CitedSources, done.Cached));
            }
        } while (await events.MoveNextAsync());
        return Problems.Create(503, ChatErrorCodes.ModelError, "답변이 중간에 끊겼습니다. (The answer ended early.)");
    }

    private static async Task<Ok<IReadOnlyList<ConversationSummary>>> ListAsync(HttpContext context, [FromServices] IClusterClient grains)
        => TypedResults.Ok(await grains.GetGrain<IUserSessionGrain>(context.User.Id()).ListConversationsAsync());

    private static async Task<Results<Ok<Conversation>, ProblemHttpResult>> GetAsync(string id, HttpContext context, [FromServices] IClusterClient grains)
        => await grains.GetGrain<IUserSessionGrain>(context.User.Id()).GetConversationAsync(id) is { } conversation
            ? TypedResults.Ok(conversation)
            : Problems.NotFound("대화 (Conversation)");

    private static async Task<Results<NoContent, ProblemHttpResult>> RenameAsync(string id, RenameBody body, HttpContext context, [FromServices] IClusterClient grains)
    {
        var title = body.Title?.Trim() ?? "";
        if (title.Length is 0 or > 200) return Problems.BadRequest("제목은 1자 이상 200자 이하여야 합니다. (Title: 1 to 200 characters.)");
        return await grains.GetGrain<IUserSessionGrain>(context.User.Id()).RenameConversationAsync(id, title)
            ? TypedResults.NoContent()
            : Problems.NotFound("대화 (Conversation)");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext context, [FromServices] IClusterClient grains)
        => await grains.GetGrain<IUserSessionGrain>(context.User.Id()).DeleteConversationAsync(id)
            ? TypedResults.NoContent()
            : Problems.NotFound("대화 (Conversation)");

    private static async Task<Results<NoContent, ProblemHttpResult>> FeedbackAsync(string messageId, FeedbackBody body, HttpContext context,
        [FromServices] IClusterClient grains, [FromServices] TimeProvider clock)
    {
        if (body.Rating is null || !Ratings.Contains(body.Rating)) return Problems.BadRequest("rating은 up 또는 down이어야 합니다. (rating must be up or down.)");
        if (body.Reason is not null && !Reasons.Contains(body.Reason)) return Problems.BadRequest("reason은 wrong_answer, not_helpful, other 중 하나여야 합니다.");
        if (body.Comment is { Length: > 2000 }) return Problems.BadRequest("의견은 2000자 이하여야 합니다. (Comment: at most 2000 characters.)");
        var ok = await grains.GetGrain<IUserSessionGrain>(context.User.Id())
            .SubmitFeedbackAsync(messageId, new MessageFeedback(body.Rating, body.Reason, body.Comment?.Trim(), clock.GetUtcNow()));
        if (ok) ApiTelemetry.Feedback(body.Rating, body.Reason);
        return ok ? TypedResults.NoContent() : Problems.NotFound("메시지 (Message)");
    }
}
