using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace KnowledgeBase.Api.Hosting;

/// <summary>Malformed bodies, oversize requests and client disconnects are the caller's problem, not a 500. Temporary
/// outages (database, vector store, a silo lost mid-call, a state conflict during failover) are 503 with the outage's
/// `type` and Retry-After (see <see cref="TransientProblems"/>), and so is a mail server that cannot take account mail.</summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems, ILogger<BadRequestExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (TransientProblems.CodeOf(exception) is { } code)
        {
            await TransientProblems.TryWriteAsync(context, code);
            return true;
        }
        if (exception is Accounts.MailUnavailableException mail)
        {
            logger.LogWarning("Account mail not sent: {Reason}", mail.Message);
            context.Response.Headers.RetryAfter = "30";
        }
        var (status, type, title) = exception switch
        {
            Accounts.MailUnavailableException => (503, Accounts.MailUnavailableException.Code,
                "메일을 보낼 수 없어 요청을 마치지 못했습니다. 잠시 후 다시 시도해 주세요. (Mail cannot be sent right now; retry shortly.)"),
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
