using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Audit;
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

    private static async Task<Results<Ok<SynonymSets>, ProblemHttpResult>> PutAsync(SynonymSetsBody? body, HttpContext context,
        [FromServices] IClusterClient grains)
    {
        if (Validate(body, out var sets) is { } problem)
            return problem.Set is { } set ? Problems.BadRequest(problem.Code, problem.Detail).With("set", set) : Problems.BadRequest(problem.Code, problem.Detail);
        var saved = await grains.GetGrain<ISynonymSetsGrain>("all").SetAsync(sets, context.User.Id());
        await context.AuditAsync(AuditActions.SynonymsChanged, "synonyms", $"sets={sets.Count}");
        return TypedResults.Ok(saved);
    }

    /// <summary>What is wrong with a body: the code, an English detail, and the 1-based set it is about (if one).</summary>
    public sealed record SynonymProblem(string Code, string Detail, int? Set = null);

    /// <summary>Trimmed, de-duplicated sets, or what is wrong with the body.</summary>
    public static SynonymProblem? Validate(SynonymSetsBody? body, out List<IReadOnlyList<string>> sets)
    {
        sets = [];
        if (body?.Sets is null) return new(ErrorCodes.SynonymSetsMissing, "A 'sets' array is required.");
        if (body.Sets.Count > MaxSets) return new(ErrorCodes.SynonymTooManySets, $"At most {MaxSets} sets.");
        for (var i = 0; i < body.Sets.Count; i++)
        {
            var terms = (body.Sets[i] ?? []).Select(t => (t ?? "").Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (terms.Count < 2)
                return new(ErrorCodes.SynonymSetTooSmall, $"Set {i + 1} needs at least two different terms.", i + 1);
            if (terms.Count > MaxTermsPerSet)
                return new(ErrorCodes.SynonymSetTooBig, $"Set {i + 1} has more than {MaxTermsPerSet} terms.", i + 1);
            if (terms.Any(t => t.Length > MaxTermLength || t.Any(char.IsControl)))
                return new(ErrorCodes.SynonymTermInvalid, $"Set {i + 1}: terms are one line of at most {MaxTermLength} characters.", i + 1);
            if (!terms.Any(t => t.Any(char.IsLetterOrDigit)))
                return new(ErrorCodes.SynonymSetNoLetters, $"Set {i + 1} has no letters.", i + 1);
            sets.Add(terms);
        }
        return null;
    }
}
