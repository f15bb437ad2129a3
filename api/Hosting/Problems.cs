using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KnowledgeBase.Api.Hosting;

/// <summary>Every error leaves the api as ProblemDetails with a stable `type` code and a message a person can act on.</summary>
public static class Problems
{
    public static ProblemHttpResult Create(int status, string type, string title, string? detail = null)
        => TypedResults.Problem(new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail });

    public static ProblemHttpResult BadRequest(string detail) => Create(400, "invalid_request", "잘못된 요청입니다. (Invalid request.)", detail);

    public static ProblemHttpResult NotFound(string what) => Create(404, "not_found", $"{what}을(를) 찾을 수 없습니다. ({what} not found.)");

    public static ProblemHttpResult Forbidden(string detail) => Create(403, "forbidden", "권한이 없습니다. (Forbidden.)", detail);

    /// <summary>Maps a grain's refusal to HTTP; sets Retry-After for 429s and for every 503.</summary>
    public static ProblemHttpResult FromChatError(HttpContext context, Contracts.ErrorEvent error)
    {
        var retry = error.RetryAfterSeconds ?? (IsRefusal(error.Code) ? null : TransientCodes.RetryAfterSeconds(error.Code));
        if (retry is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString();
        return error.Code switch
        {
            "rate_limited" => Create(429, "rate_limited", "요청 한도를 초과했습니다. (Rate limit exceeded.)", error.Message),
            "budget_exhausted" => Create(429, "budget_exhausted", "토큰 예산을 모두 사용했습니다. (Token budget exhausted.)", error.Message),
            "invalid_request" => Create(400, "invalid_request", "잘못된 요청입니다. (Invalid request.)", error.Message),
            "not_found" => Create(404, "not_found", "대화를 찾을 수 없습니다. (Conversation not found.)", error.Message),
            "unauthorized" => Create(401, "unauthorized", "인증이 필요합니다. (Authentication required.)", error.Message),
            _ => Create(503, error.Code, "일시적인 오류입니다. (Temporary failure.)", error.Message),
        };
    }

    private static bool IsRefusal(string code) => code is "rate_limited" or "budget_exhausted" or "invalid_request" or "not_found" or "unauthorized";
}
