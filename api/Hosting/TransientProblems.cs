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
        TransientCodes.VectorStore => "The vector store is unavailable; retry shortly.",
        TransientCodes.Storage => "The database is briefly unavailable; retry shortly.",
        TransientCodes.StateConflict => "The request overlapped another; retry.",
        _ => "A server is briefly unavailable; retry shortly.",
    };

    public static ProblemDetails Problem(string code, string? detail = null)
        => Problems.Details(StatusCodes.Status503ServiceUnavailable, code, Title(code), detail);

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
