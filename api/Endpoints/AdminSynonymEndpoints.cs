using System.Security.Claims;
using KnowledgeBase.Api.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KnowledgeBase.Api.Endpoints;

/// <summary>The body of PUT /api/admin/synonyms: every set, each a list of interchangeable terms (the first is the one the
/// documents use).</summary>
public sealed record SynonymSetsBody(IReadOnlyList<IReadOnlyList<string>?>? Sets);

/// <summary>GET/PUT /api/admin/synonyms: the company's own synonym sets, applied to questions on every silo at query
/// time (no reindexing), next to the shipped workplace thesaurus.</summary>
public static class AdminSynonymEndpoints
{
    public const int MaxSets = 2000;
    public const int MaxTermsPerSet = 20;
    public const int MaxTermLength = 50;

    public static RouteGroupBuilder MapAdminSynonyms(this RouteGroupBuilder admin)
    {
        admin.MapGet("/synonyms", async ([FromServices] IClusterClient grains)
            => TypedResults.Ok(await grains.GetGrain<ISynonymSetsGrain>("all").GetAsync()));
        // The largest allowed list (MaxSets x MaxTermsPerSet x MaxTermLength Korean characters) is larger than a JSON body.
        admin.MapPut("/synonyms", PutAsync).WithMetadata(new RequestSizeLimitAttribute(8L * 1024 * 1024));
        return admin;
    }

    private static async Task<Results<Ok<SynonymSets>, ProblemHttpResult>> PutAsync(SynonymSetsBody? body, ClaimsPrincipal user,
        [FromServices] IClusterClient grains)
    {
        if (Validate(body, out var sets) is { } problem) return Problems.BadRequest(problem);
        return TypedResults.Ok(await grains.GetGrain<ISynonymSetsGrain>("all").SetAsync(sets, user.Id()));
    }

    /// <summary>Trimmed, de-duplicated sets, or what is wrong with the body (in Korean and English).</summary>
    public static string? Validate(SynonymSetsBody? body, out List<IReadOnlyList<string>> sets)
    {
        sets = [];
        if (body?.Sets is null) return "sets 배열이 필요합니다. (A 'sets' array is required.)";
        if (body.Sets.Count > MaxSets) return $"동의어 묶음은 최대 {MaxSets}개입니다. (At most {MaxSets} sets.)";
        for (var i = 0; i < body.Sets.Count; i++)
        {
            var terms = (body.Sets[i] ?? []).Select(t => (t ?? "").Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (terms.Count < 2)
                return $"{i + 1}번째 묶음에는 서로 다른 용어가 2개 이상 있어야 합니다. (Set {i + 1} needs at least two different terms.)";
            if (terms.Count > MaxTermsPerSet)
                return $"{i + 1}번째 묶음의 용어는 최대 {MaxTermsPerSet}개입니다. (Set {i + 1} has more than {MaxTermsPerSet} terms.)";
            if (terms.FirstOrDefault(t => t.Length > MaxTermLength || t.Any(char.IsControl)) is { } bad)
                return $"{i + 1}번째 묶음의 용어 '{bad[..Math.Min(bad.Length, 20)]}'는 {MaxTermLength}자 이하의 한 줄이어야 합니다. (Terms are one line of at most {MaxTermLength} characters.)";
            if (!terms.Any(t => t.Any(char.IsLetterOrDigit)))
                return $"{i + 1}번째 묶음에 글자가 없습니다. (Set {i + 1} has no letters.)";
            sets.Add(terms);
        }
        return null;
    }
}
