using KnowledgeBase.Api.Evaluation;
using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Evaluation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KnowledgeBase.Api.Endpoints;

public sealed record GoldenSetBody(string? Name, string? Jsonl);

/// <summary>Evaluation runs (admin): POST a golden set (JSONL as the request body, a multipart field `file`, or JSON
/// <c>{"name", "jsonl"}</c>) to run it against the live index through the real chat pipeline; GET the history and a
/// run's per-question results.</summary>
public static class AdminEvaluationEndpoints
{
    private const long MaxGoldenSetBytes = 2 * 1024 * 1024;

    public static RouteGroupBuilder MapAdminEvaluations(this RouteGroupBuilder admin)
    {
        admin.MapPost("/evaluations", StartAsync).DisableAntiforgery().WithMetadata(new RequestSizeLimitAttribute(MaxGoldenSetBytes + 64 * 1024));
        admin.MapGet("/evaluations", ListAsync);
        admin.MapGet("/evaluations/{runId}", GetAsync);
        return admin;
    }

    private static ProblemHttpResult TooLarge() => Problems.Create(413, "too_large", "골든셋이 너무 큽니다. (The golden set is too large.)",
        $"최대 {MaxGoldenSetBytes / 1024 / 1024} MB (at most {MaxGoldenSetBytes / 1024 / 1024} MB).");

    private static async Task<Results<Accepted<EvaluationRunSummary>, ProblemHttpResult>> StartAsync(HttpContext context,
        [FromServices] EvaluationJobs jobs, string? name = null)
    {
        if (context.Request.ContentLength > MaxGoldenSetBytes)
            return TooLarge();
        string text;
        var fileName = "golden.jsonl";
        if (context.Request.HasFormContentType)
        {
            var (form, problem) = await Forms.ReadAsync(context, TooLarge);
            if (form is null) return problem!;
            if (form.Files.GetFile("file") is not { } file)
                return Problems.BadRequest("'file' 필드에 JSONL 파일을 첨부해 주세요. (Attach the JSONL golden set in the 'file' field.)");
            if (file.Length > MaxGoldenSetBytes) return TooLarge();
            fileName = Path.GetFileName(file.FileName);
            using var reader = new StreamReader(file.OpenReadStream());
            text = await reader.ReadToEndAsync(context.RequestAborted);
        }
        else if (context.Request.HasJsonContentType())
        {
            var body = await context.Request.ReadFromJsonAsync<GoldenSetBody>(context.RequestAborted);
            if (body?.Jsonl is not { Length: > 0 } jsonl) return Problems.BadRequest("\"jsonl\"에 골든셋을 넣어 주세요. (Put the golden set in \"jsonl\".)");
            text = jsonl;
            if (!string.IsNullOrWhiteSpace(body.Name)) name ??= body.Name;
        }
        else
        {
            using var reader = new StreamReader(context.Request.Body);
            var buffer = new char[MaxGoldenSetBytes + 1];
            var read = await reader.ReadBlockAsync(buffer.AsMemory(), context.RequestAborted);
            if (read > MaxGoldenSetBytes) return TooLarge();
            text = new string(buffer, 0, read);
        }

        IReadOnlyList<GoldenQuestion> questions;
        try
        {
            questions = GoldenSet.Parse(text);
        }
        catch (GoldenSetException ex)
        {
            return Problems.Create(400, "invalid_golden_set", "골든셋 형식이 올바르지 않습니다. (The golden set is not valid.)", string.Join("; ", ex.Problems));
        }
        var runName = (name ?? fileName).Trim();
        if (runName.Length is 0 or > 200) runName = "golden.jsonl";
        var summary = await jobs.StartAsync(runName, context.User.FindFirst(UserClaims.Email)?.Value ?? context.User.Id(), questions);
        return summary is null
            ? Problems.Create(409, "evaluation_running", "이미 평가가 실행 중입니다. 끝난 뒤 다시 시도해 주세요. (An evaluation is already running; try again when it ends.)")
            : TypedResults.Accepted($"/api/admin/evaluations/{summary.RunId}", summary);
    }

    private static async Task<Ok<IReadOnlyList<EvaluationRunSummary>>> ListAsync([FromServices] IClusterClient grains, int take = 50)
        => TypedResults.Ok(await grains.GetGrain<IEvaluationHistoryGrain>("all").ListAsync(Math.Clamp(take, 1, 100)));

    private static async Task<Results<Ok<EvaluationRun>, ProblemHttpResult>> GetAsync(string runId, [FromServices] IClusterClient grains)
    {
        if (runId.Length is 0 or > 64 || !runId.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')) return Problems.NotFound("평가 (Evaluation run)");
        if (await grains.GetGrain<IEvaluationRunGrain>(runId).GetAsync() is { } run) return TypedResults.Ok(run);
        // Still running (or failed): the history has its summary, without results yet.
        var summary = (await grains.GetGrain<IEvaluationHistoryGrain>("all").ListAsync(100)).FirstOrDefault(r => r.RunId == runId);
        return summary is null ? Problems.NotFound("평가 (Evaluation run)") : TypedResults.Ok(new EvaluationRun(summary, []));
    }
}
