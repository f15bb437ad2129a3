namespace KnowledgeBase.Api.Hosting;

/// <summary>Reads a multipart form the client sent: a body that does not parse (bad boundary, truncated section) or
/// breaks the size limit is the client's problem, a 400 or 413 with <paramref name="tooLarge"/>, never a 500.</summary>
public static class Forms
{
    public static async Task<(IFormCollection? Form, Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Problem)> ReadAsync(
        HttpContext context, Func<Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult> tooLarge)
    {
        try
        {
            return (await context.Request.ReadFormAsync(context.RequestAborted), null);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException && !context.RequestAborted.IsCancellationRequested)
        {
            return (null, ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) || ex is BadHttpRequestException { StatusCode: 413 }
                ? tooLarge()
                : Problems.BadRequest("요청 본문의 형식이 올바르지 않습니다. (Malformed multipart body.)"));
        }
    }
}
