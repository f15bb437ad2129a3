using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KnowledgeBase.Api.Hosting;

/// <summary>Every error leaves the api as ProblemDetails: `type` the kind of refusal, `code` the exact reason (both from
/// <see cref="ErrorCodes"/>), `title` and `detail` in English. The web UI words each code itself, in Korean and English;
/// values it needs for that (a limit, the allowed domains) travel as extra members.</summary>
public static class Problems
{
    public static ProblemDetails Details(int status, string type, string title, string? detail = null, string? code = null)
    {
        var problem = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail };
        problem.Extensions["code"] = code ?? type;
        return problem;
    }

    /// <summary>A refusal whose kind is its reason (type and code alike).</summary>
    public static ProblemHttpResult Create(int status, string code, string title, string? detail = null)
        => TypedResults.Problem(Details(status, code, title, detail));

    public static ProblemHttpResult BadRequest(string code, string detail)
        => TypedResults.Problem(Details(400, ErrorCodes.InvalidRequest, "Invalid request.", detail, code));

    public static ProblemHttpResult NotFound(string code, string what)
        => TypedResults.Problem(Details(404, ErrorCodes.NotFound, "Not found.", $"{what} not found.", code));

    public static ProblemHttpResult Forbidden(string code, string detail)
        => TypedResults.Problem(Details(403, ErrorCodes.Forbidden, "Forbidden.", detail, code));

    /// <summary>Adds a value the UI puts in its wording (e.g. the allowed domains).</summary>
    public static ProblemHttpResult With(this ProblemHttpResult result, string name, object value)
    {
        result.ProblemDetails.Extensions[name] = value;
        return result;
    }

    /// <summary>Maps a grain's refusal to HTTP; sets Retry-After for 429s and for every 503.</summary>
    public static ProblemHttpResult FromChatError(HttpContext context, Contracts.ErrorEvent error)
    {
        var (status, type, title) = KindOf(error.Code);
        var retry = error.RetryAfterSeconds ?? (status == 503 ? TransientCodes.RetryAfterSeconds(error.Code) : null);
        if (retry is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString();
        return TypedResults.Problem(Details(status, type, title, error.Message, error.Code));
    }

    private static (int Status, string Type, string Title) KindOf(string code) => code switch
    {
        ErrorCodes.RateLimited => (429, code, "Rate limit exceeded."),
        ErrorCodes.BudgetExhausted => (429, code, "Token budget exhausted."),
        ErrorCodes.InvalidRequest or ErrorCodes.QuestionLength => (400, ErrorCodes.InvalidRequest, "Invalid request."),
        ErrorCodes.NotFound or ErrorCodes.ConversationNotFound => (404, ErrorCodes.NotFound, "Not found."),
        ErrorCodes.Unauthorized or ErrorCodes.UnknownUser => (401, ErrorCodes.Unauthorized, "Sign-in required."),
        _ => (503, code, "Temporary failure."),
    };
}
