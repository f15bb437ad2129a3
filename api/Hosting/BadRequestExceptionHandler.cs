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
        if (TransientProblems.CodeOf(exception) is { } transient)
        {
            await TransientProblems.TryWriteAsync(context, transient);
            return true;
        }
        if (exception is Accounts.MailUnavailableException mail)
        {
            logger.LogWarning("Account mail not sent: {Reason}", mail.Message);
            context.Response.Headers.RetryAfter = "30";
        }
        var (status, type, code, title) = exception switch
        {
            Accounts.MailUnavailableException => (503, Accounts.MailUnavailableException.Code, Accounts.MailUnavailableException.Code,
                "Mail cannot be sent right now; retry shortly."),
            BadHttpRequestException { StatusCode: 413 } => (413, ErrorCodes.TooLarge, ErrorCodes.RequestTooLarge, "The request is too large."),
            BadHttpRequestException bad => (bad.StatusCode, ErrorCodes.InvalidRequest, ErrorCodes.BodyUnreadable, "The request body could not be read; check the JSON."),
            System.Text.Json.JsonException => (400, ErrorCodes.InvalidRequest, ErrorCodes.JsonMalformed, "Malformed JSON."),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => (499, ErrorCodes.ClientClosed, ErrorCodes.ClientClosed, "The client closed the request."),
            _ => (0, "", "", ""),
        };
        if (status == 0) return false;
        if (context.Response.HasStarted) return true;
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = Problems.Details(status, type, title, code: code),
        });
    }
}
