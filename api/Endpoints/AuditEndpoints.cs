using System.Globalization;
using System.Text.Json;
using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Api.Endpoints;

public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, long? NextBefore);

/// <summary>Admin: the audit log, newest first and paged (`before` = the previous page's `nextBefore`), as JSON lines
/// in chain order for export (`format=jsonl`), and the chain's verification.</summary>
public static class AuditEndpoints
{
    private const int ExportPage = 1000;

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/audit").RequireAuthorization("admin").WithTags("admin");
        admin.MapGet("", ListAsync);
        admin.MapGet("/verify", async ([FromServices] IClusterClient grains) => TypedResults.Ok(await grains.GetGrain<IAuditReaderGrain>(0).VerifyAsync()));
        return app;
    }

    private static async Task<IResult> ListAsync(HttpContext context, [FromServices] IClusterClient grains,
        [FromServices] IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        string? from = null, string? to = null, string? actor = null, string? action = null, long? before = null, int limit = 50, string? format = null)
    {
        if (!TryParseTime(from, out var fromTime)) return Problems.BadRequest("from: ISO 8601 날짜/시각이어야 합니다. (from must be an ISO 8601 date or time, e.g. 2026-12-01 or 2026-12-01T09:00:00+09:00.)");
        if (!TryParseTime(to, out var toTime)) return Problems.BadRequest("to: ISO 8601 날짜/시각이어야 합니다. (to must be an ISO 8601 date or time.)");
        if (limit is < 1 or > 500) return Problems.BadRequest("limit은 1부터 500 사이여야 합니다. (limit must be 1 to 500.)");
        if (actor is { Length: > 320 } || action is { Length: > 100 }) return Problems.BadRequest("actor 또는 action이 너무 깁니다. (actor or action is too long.)");
        if (format is not (null or "json" or "jsonl")) return Problems.BadRequest("format은 json 또는 jsonl입니다. (format is json or jsonl.)");

        var reader = grains.GetGrain<IAuditReaderGrain>(0);
        var query = new AuditQuery(fromTime, toTime, Blank(actor), Blank(action), before, limit);
        if (format == "jsonl") return await ExportAsync(context, reader, query, json.Value.SerializerOptions);

        var entries = await reader.QueryAsync(query);
        return TypedResults.Ok(new AuditPage(entries, entries.Count == limit ? entries[^1].Sequence : null));
    }

    /// <summary>Every matching entry, oldest first (the chain's order, so an exported file can be checked link by link),
    /// streamed a page at a time. The export itself is recorded.</summary>
    private static async Task<IResult> ExportAsync(HttpContext context, IAuditReaderGrain reader, AuditQuery query, JsonSerializerOptions options)
    {
        await context.AuditAsync(AuditActions.AuditExported, "audit", Describe(query));
        context.Response.ContentType = "application/x-ndjson; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{DateTime.UtcNow:yyyyMMdd-HHmmss}.jsonl\"";
        await using var writer = new StreamWriter(context.Response.Body, new System.Text.UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        long after = 0;
        while (!context.RequestAborted.IsCancellationRequested)
        {
            var page = await reader.QueryAsync(query with { BeforeSequence = null, AfterSequence = after, Ascending = true, Limit = ExportPage });
            foreach (var entry in page)
                await writer.WriteLineAsync(JsonSerializer.Serialize(entry, options));
            await writer.FlushAsync(context.RequestAborted);
            if (page.Count < ExportPage) break;
            after = page[^1].Sequence;
        }
        return TypedResults.Empty;
    }

    private static string Describe(AuditQuery q) => string.Join(' ', new[]
    {
        q.From is { } f ? $"from={f:O}" : null, q.To is { } t ? $"to={t:O}" : null,
        q.Actor is { } a ? $"actor={a}" : null, q.Action is { } x ? $"action={x}" : null,
    }.Where(p => p is not null));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool TryParseTime(string? value, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrWhiteSpace(value)) return true;
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return false;
        time = parsed;
        return true;
    }
}
