using KnowledgeBase.Grains.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace KnowledgeBase.Api.Hosting;

/// <summary>Temporary outages as the client sees them: 503 application/problem+json with the outage's `type` code and
/// Retry-After, whatever the request accepted (an SSE request refused before its stream starts gets the same body).</summary>
public static class TransientProblems
{
    /// <summary>The transient code of an exception that reached the api, or null when it is not a temporary outage.</summary>
    public static string? CodeOf(Exception exception) => TransientFailureFilter.Classify(exception);

    public static string Title(string code) => code switch
    {
        TransientCodes.VectorStore => "벡터 저장소(ChromaDB)에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요. (The vector store is unavailable; retry shortly.)",
        TransientCodes.Storage => "데이터베이스에 잠시 연결할 수 없습니다. 잠시 후 다시 시도해 주세요. (The database is briefly unavailable; retry shortly.)",
        TransientCodes.StateConflict => "요청이 다른 요청과 겹쳤습니다. 다시 시도해 주세요. (The request overlapped another; retry.)",
        _ => "서버가 잠시 응답하지 않습니다. 잠시 후 다시 시도해 주세요. (A server is briefly unavailable; retry shortly.)",
    };

    public static ProblemDetails Problem(string code, string? detail = null)
        => new() { Status = StatusCodes.Status503ServiceUnavailable, Type = code, Title = Title(code), Detail = detail };

    /// <summary>Writes the 503 when nothing was sent yet; false when the response had already started.</summary>
    public static async Task<bool> TryWriteAsync(HttpContext context, string code, string? detail = null)
    {
        if (context.Response.HasStarted) return false;
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = TransientCodes.RetryAfterSeconds(code).ToString();
        await context.Response.WriteAsJsonAsync(Problem(code, detail), options: null, contentType: "application/problem+json");
        return true;
    }
}
