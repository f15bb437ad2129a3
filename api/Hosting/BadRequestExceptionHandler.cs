using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace KnowledgeBase.Api.Hosting;

/// <summary>Malformed bodies, oversize requests and client disconnects are the caller's problem, not a 500. Temporary
/// outages (database, vector store, a silo lost mid-call, a state conflict during failover) are 503 with the outage's
/// `type` and Retry-After (see <see cref="TransientProblems"/>).</summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (TransientProblems.CodeOf(exception) is { } code)
        {
            await TransientProblems.TryWriteAsync(context, code);
            return true;
        }
        var (status, type, title) = exception switch
        {
            BadHttpRequestException { StatusCode: 413 } => (413, "too_large", "요청이 너무 큽니다. (The request is too large.)"),
            BadHttpRequestException bad => (bad.StatusCode, "invalid_request", "요청 본문을 읽을 수 없습니다. JSON 형식을 확인해 주세요. (The request body could not be read; check the JSON.)"),
            System.Text.Json.JsonException => (400, "invalid_request", "JSON 형식이 올바르지 않습니다. (Malformed JSON.)"),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => (499, "client_closed", "client closed the request"),
            _ => (0, "", ""),
        };
        if (status == 0) return false;
        if (context.Response.HasStarted) return true;
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Type = type, Title = title },
        });
    }
}
