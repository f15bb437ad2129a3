using System.Security.Claims;
using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Audit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KnowledgeBase.Api.Endpoints;

/// <summary>The body of POST /api/admin/boosts: the question (usually a down-voted one from the feedback review) and the
/// chunk that should have answered it.</summary>
public sealed record BoostBody(string? Question, string? ChunkId, string? MessageId);

/// <summary>GET/POST/DELETE /api/admin/boosts: feedback that teaches. Retrieval puts a boosted chunk first for its question
/// and close paraphrases, on every silo within about a second, and only for callers who may read it.</summary>
public static class AdminBoostEndpoints
{
    public const int MaxQuestionLength = 1000;

    public static RouteGroupBuilder MapAdminBoosts(this RouteGroupBuilder admin)
    {
        admin.MapGet("/boosts", async ([FromServices] IClusterClient grains)
            => TypedResults.Ok(await grains.GetGrain<IRetrievalBoostsGrain>("all").GetAsync()));
        admin.MapPost("/boosts", AddAsync);
        admin.MapDelete("/boosts/{id}", RemoveAsync);
        return admin;
    }

    private static async Task<Results<Created<RetrievalBoost>, ProblemHttpResult>> AddAsync(BoostBody? body, ClaimsPrincipal user,
        HttpContext context, [FromServices] IClusterClient grains)
    {
        var question = body?.Question?.Trim() ?? "";
        var chunkId = body?.ChunkId?.Trim() ?? "";
        if (question.Length == 0 || question.Length > MaxQuestionLength)
            return Problems.BadRequest($"질문은 1자 이상 {MaxQuestionLength}자 이하여야 합니다. (The question must be 1 to {MaxQuestionLength} characters.)");
        if (chunkId.Length == 0 || chunkId.Length > 200)
            return Problems.BadRequest("chunkId가 필요합니다. (A chunkId is required.)");
        var boost = await grains.GetGrain<IRetrievalBoostsGrain>("all").AddAsync(question, chunkId, body!.MessageId, user.Id());
        if (boost is null) return Problems.NotFound("출처 (Source)");
        await context.AuditAsync(AuditActions.BoostAdded, boost.Id, $"chunk={boost.ChunkId}");
        return TypedResults.Created($"/api/admin/boosts/{boost.Id}", boost);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(string id, HttpContext context, [FromServices] IClusterClient grains)
    {
        if (!await grains.GetGrain<IRetrievalBoostsGrain>("all").RemoveAsync(id)) return Problems.NotFound("부스트 (Boost)");
        await context.AuditAsync(AuditActions.BoostRemoved, id);
        return TypedResults.NoContent();
    }
}
