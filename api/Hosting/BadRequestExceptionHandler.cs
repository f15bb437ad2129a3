using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace KnowledgeBase.Api.Hosting;

/// <summary>Malformed bodies, oversize requests and client disconnects are the caller's problem, not a 500. An unreachable
/// vector store and a silo lost mid-call are temporary outages: 503 with Retry-After (a retry lands on a surviving silo).</summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, type, title) = exception switch
        {
            BadHttpRequestException { StatusCode: 413 } => (413, "too_large", "요청이 너무 큽니다. (The request is too large.)"),
            BadHttpRequestException bad => (bad.StatusCode, "invalid_request", "요청 본문을 읽을 수 없습니다. JSON 형식을 확인해 주세요. (The request body could not be read; check the JSON.)"),
            System.Text.Json.JsonException => (400, "invalid_request", "JSON 형식이 올바르지 않습니다. (Malformed JSON.)"),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => (499, "client_closed", "client closed the request"),
            VectorStoreUnavailableException => (503, "vector_store_unavailable", "벡터 저장소(ChromaDB)에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요. (The vector store is unavailable; retry shortly.)"),
            // A silo died with the call in flight, or the cluster is still moving its grains: the next try succeeds.
            Orleans.Runtime.OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException
                => (503, "cluster_unavailable", "서버가 잠시 응답하지 않습니다. 잠시 후 다시 시도해 주세요. (A server is briefly unavailable; retry shortly.)"),
            _ => (0, "", ""),
        };
        if (status == 0) return false;
        if (context.Response.HasStarted) return true;
        context.Response.StatusCode = status;
        if (status == 503) context.Response.Headers.RetryAfter = type == "cluster_unavailable" ? "1" : "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Type = type, Title = title },
        });
    }
}
