using System.Security.Cryptography;
using System.Text.RegularExpressions;
using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Audit;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Ingestion;
using KnowledgeBase.Grains.Permissions;
using KnowledgeBase.Grains.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Api.Endpoints;

public sealed record UploadAccepted(string DocumentId, string Status, int Version);
public sealed record DocumentView(
    string DocumentId, string FileName, string Title, string ContentType, long SizeBytes, string Status, string? Error, string? ErrorCode,
    int ChunkCount, IReadOnlyList<string> Tags, string UploadedBy, DateTimeOffset UploadedAt, DateTimeOffset UpdatedAt, int Version,
    string CollectionId, bool Restricted, bool CanEdit);
public sealed record DocumentList(IReadOnlyList<DocumentView> Items, int Total, int Skip, int Take);
public sealed record SearchBody(string? Query, int? TopK, IReadOnlyList<string>? Tags);
/// <summary>The hits, and what the search was charged: the query's embedding tokens and their cost (0 when no paid
/// model was called).</summary>
public sealed record SearchResponse(IReadOnlyList<SearchHit> Results, SearchUsage Usage);
public sealed record SearchUsage(long EmbeddingTokens, decimal CostUsd);

public static partial class DocumentEndpoints
{
    private const int MaxDocumentTags = 20;
    private const int MaxTagLength = 50;

    /// <summary>A search filters on at most this many tags (each becomes a clause of the lexical query).</summary>
    public const int MaxSearchTags = 50;

    public static IEndpointRouteBuilder MapDocumentEndpoints(this IEndpointRouteBuilder app)
    {
        var docs = app.MapGroup("/api/documents").RequireAuthorization().WithTags("documents");
        // Files are larger than the JSON bodies every other endpoint takes (SecurityHosting.JsonBodyLimit).
        var fileLimit = new RequestSizeLimitAttribute(app.ServiceProvider.GetRequiredService<IOptions<KnowledgeBaseOptions>>().Value.MaxUploadBytes + 2 * 1024 * 1024);
        docs.MapPost("/", UploadAsync).DisableAntiforgery().WithMetadata(fileLimit);
        docs.MapGet("/", ListAsync);
        docs.MapGet("/{id}", GetAsync);
        docs.MapGet("/{id}/content", ContentAsync);
        docs.MapDelete("/{id}", DeleteAsync);
        docs.MapPost("/{id}/reindex", ReindexAsync);
        docs.MapPut("/{id}", ReplaceAsync).DisableAntiforgery().WithMetadata(fileLimit);
        docs.MapPut("/{id}/collection", MoveAsync);
        app.MapPost("/api/search", SearchAsync).RequireAuthorization().WithTags("search");
        return app;
    }

    private static async Task<Results<Accepted<UploadAccepted>, Ok<UploadAccepted>, ProblemHttpResult>> UploadAsync(
        HttpContext context, [FromServices] IClusterClient grains, [FromServices] IBlobStore blobs, [FromServices] IOptions<KnowledgeBaseOptions> options,
        [FromServices] PermissionCache permissions, [FromServices] SessionGrains sessions)
    {
        ApiTelemetry.Request("upload");
        var access = await permissions.AccessAsync(context.User.Caller());
        // Refused before the body is read: a member under UPLOAD_POLICY=editors may upload nowhere.
        if (!access.IsAdmin && access.Role != Roles.Editor && access.Policy == UploadPolicy.Editors)
            return Problems.Forbidden(ErrorCodes.UploadEditorsOnly, "Only editors and admins may upload: UPLOAD_POLICY=editors.");
        if (await QuotaProblemAsync(context, access, sessions) is { } quota) return quota;
        var (file, tags, problem) = await ReadUploadAsync(context, options.Value);
        if (problem is not null) return problem;
        await using var _ = file!;
        var collectionId = context.Request.Form["collectionId"].ToString() is { Length: > 0 } given ? given.Trim() : DefaultCollection.Id;
        if (await TargetProblemAsync(collectionId, access, permissions) is { } refused) return refused;

        var (documentId, existing) = await DocumentForAsync(grains, file!.Sha256);
        if (documentId is null)
            return TypedResults.Problem(Problems.Details(409, ErrorCodes.DocumentExists, "Too many documents were replaced from this file; ask an admin.", code: ErrorCodes.DocumentReplacedTooOften));
        var grain = grains.GetGrain<IDocumentGrain>(documentId);
        if (existing is not null)
            return access.CanRead(existing.Collection)
                ? TypedResults.Ok(new UploadAccepted(existing.DocumentId, Status(existing.Status), existing.Version))
                // The same bytes are already stored where this caller may not look: neither its id nor its collection is told.
                : Problems.Create(409, ErrorCodes.DocumentExists, "The same file is already stored in a collection you cannot open; ask an admin.");

        var blobKey = $"documents/{documentId}/{file.Sha256}";
        file.Content.Position = 0;
        await blobs.PutAsync(blobKey, file.Content, file.ContentType, context.RequestAborted);
        var result = await grain.SubmitAsync(new DocumentUpload(file.FileName, file.ContentType, file.Length, file.Sha256, blobKey, tags, context.User.Id(), collectionId));
        var body = new UploadAccepted(result.Info.DocumentId, Status(result.Info.Status), result.Info.Version);
        if (result.Created) await context.AuditAsync(AuditActions.DocumentUploaded, documentId, $"file={file.FileName} bytes={file.Length} sha256={file.Sha256}");
        return result.Created ? TypedResults.Accepted($"/api/documents/{documentId}", body) : TypedResults.Ok(body);
    }

    /// <summary>UPLOAD_QUOTA_PER_HOUR, counted before the body is read (a refused file counts too); admins are exempt.</summary>
    private static async Task<ProblemHttpResult?> QuotaProblemAsync(HttpContext context, Access access, SessionGrains sessions)
    {
        if (access.IsAdmin || await sessions.For(context.User.Id()).TryStartUploadAsync() is not { } wait) return null;
        context.Response.Headers.RetryAfter = wait.ToString();
        return Problems.Create(429, ErrorCodes.UploadQuota, $"Hourly upload quota reached; retry in {wait} s.");
    }

    /// <summary>The document these bytes belong to: the id derived from their hash, unless that document has since been
    /// replaced with other bytes (it serves those now), in which case the next id in a sequence derived from the same
    /// hash. The same bytes uploaded again so find the same document, never one that serves something else. Null when
    /// every id of the sequence holds other bytes.</summary>
    private static async Task<(string? Id, DocumentInfo? Existing)> DocumentForAsync(IClusterClient grains, string sha256)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var hash = attempt == 0 ? sha256 : Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes($"{sha256}/{attempt}")));
            var id = "doc_" + hash[..12];
            var info = await grains.GetGrain<IDocumentGrain>(id).GetAsync();
            if (info is null || info.Sha256 == sha256) return (id, info);
        }
        return (null, null);
    }

    private static async Task<Results<Accepted<UploadAccepted>, ProblemHttpResult>> ReplaceAsync(string id, HttpContext context,
        [FromServices] IClusterClient grains, [FromServices] IBlobStore blobs, [FromServices] IOptions<KnowledgeBaseOptions> options,
        [FromServices] PermissionCache permissions, [FromServices] SessionGrains sessions)
    {
        var (current, access, denied) = await FindAsync(id, context, grains, permissions, change: true);
        if (denied is not null) return denied;
        if (await QuotaProblemAsync(context, access!, sessions) is { } quota) return quota;
        var (file, tags, problem) = await ReadUploadAsync(context, options.Value);
        if (problem is not null) return problem;
        await using var _ = file!;

        var blobKey = $"documents/{id}/{file!.Sha256}";
        file.Content.Position = 0;
        await blobs.PutAsync(blobKey, file.Content, file.ContentType, context.RequestAborted);
        var info = await grains.GetGrain<IDocumentGrain>(id).ReplaceAsync(
            new DocumentUpload(file.FileName, file.ContentType, file.Length, file.Sha256, blobKey, tags.Count > 0 ? tags : current!.Tags, current!.UploadedBy, current.CollectionId));
        await context.AuditAsync(AuditActions.DocumentReplaced, id, $"file={file.FileName} bytes={file.Length} sha256={file.Sha256} version={info.Version}");
        return TypedResults.Accepted($"/api/documents/{id}", new UploadAccepted(id, Status(info.Status), info.Version));
    }

    /// <summary>Only documents in collections the caller may read; <paramref name="collectionId"/> narrows to one of them.</summary>
    private static async Task<Ok<DocumentList>> ListAsync(HttpContext context, [FromServices] IClusterClient grains, [FromServices] PermissionCache permissions,
        int skip = 0, int take = 50, string? q = null, string? tag = null, string? collectionId = null)
    {
        var access = await permissions.AccessAsync(context.User.Caller());
        var page = await grains.GetGrain<IDocumentCatalogGrain>("all").ListInAsync(Math.Max(0, skip), Math.Clamp(take, 1, 200), q, tag, access.Readable, collectionId);
        // The catalog holds final states; a document still being processed on this page reports its current step itself.
        var items = await Task.WhenAll(page.Items.Select(async d => d.Status == DocumentStatus.Queued
            ? await grains.GetGrain<IDocumentGrain>(d.DocumentId).GetAsync() ?? d
            : d));
        return TypedResults.Ok(new DocumentList(items.Select(d => View(d, access)).ToList(), page.Total, page.Skip, page.Take));
    }

    private static async Task<Results<Ok<DocumentView>, ProblemHttpResult>> GetAsync(string id, HttpContext context, [FromServices] IClusterClient grains,
        [FromServices] PermissionCache permissions)
    {
        var (info, access, problem) = await FindAsync(id, context, grains, permissions, change: false);
        return problem ?? (Results<Ok<DocumentView>, ProblemHttpResult>)TypedResults.Ok(View(info!, access!));
    }

    private static async Task<IResult> ContentAsync(string id, HttpContext context, [FromServices] IClusterClient grains, [FromServices] IBlobStore blobs,
        [FromServices] PermissionCache permissions)
    {
        var (info, _, problem) = await FindAsync(id, context, grains, permissions, change: false);
        if (problem is not null) return problem;
        var stream = await blobs.OpenReadAsync(info!.BlobKey, context.RequestAborted);
        if (stream is null) return Problems.NotFound(ErrorCodes.OriginalNotFound, "Original file");
        // Uploaded files are untrusted: never let the browser run them as part of this site.
        context.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        var inline = info.ContentType is "application/pdf" or "text/plain" or "text/markdown" or "text/csv";
        return TypedResults.Stream(stream, inline ? info.ContentType + (info.ContentType.StartsWith("text/") ? "; charset=utf-8" : "") : "application/octet-stream",
            inline ? null : info.FileName, enableRangeProcessing: true);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext context, [FromServices] IClusterClient grains,
        [FromServices] PermissionCache permissions)
    {
        var (current, _, denied) = await FindAsync(id, context, grains, permissions, change: true);
        if (denied is not null) return denied;
        await grains.GetGrain<IDocumentGrain>(id).DeleteAsync();
        await context.AuditAsync(AuditActions.DocumentDeleted, id, $"file={current!.FileName}");
        return TypedResults.NoContent();
    }

    private static async Task<Results<Accepted<UploadAccepted>, ProblemHttpResult>> ReindexAsync(string id, HttpContext context, [FromServices] IClusterClient grains,
        [FromServices] PermissionCache permissions)
    {
        var (_, _, denied) = await FindAsync(id, context, grains, permissions, change: true);
        if (denied is not null) return denied;
        var info = await grains.GetGrain<IDocumentGrain>(id).ReindexAsync();
        return info is null ? Problems.NotFound(ErrorCodes.DocumentNotFound, "Document") : TypedResults.Accepted($"/api/documents/{id}", new UploadAccepted(id, Status(info.Status), info.Version));
    }

    /// <summary>Moves a document to another collection: the caller must be allowed to change the document and to upload
    /// into the target.</summary>
    private static async Task<Results<Ok<DocumentView>, ProblemHttpResult>> MoveAsync(string id, MoveBody body, HttpContext context,
        [FromServices] IClusterClient grains, [FromServices] PermissionCache permissions)
    {
        if (string.IsNullOrWhiteSpace(body.CollectionId)) return Problems.BadRequest(ErrorCodes.CollectionRequired, "collectionId is required.");
        var (current, access, denied) = await FindAsync(id, context, grains, permissions, change: true);
        if (denied is not null) return denied;
        var target = body.CollectionId.Trim();
        if (await TargetProblemAsync(target, access!, permissions) is { } refused) return refused;
        var moved = await grains.GetGrain<IDocumentGrain>(id).MoveAsync(target);
        if (moved is null) return Problems.NotFound(ErrorCodes.DocumentNotFound, "Document");
        await context.AuditAsync(AuditActions.DocumentMoved, id, $"from={current!.Collection} to={target}");
        return TypedResults.Ok(View(moved, access!));
    }

    /// <summary>Runs through the caller's session: their search rate limit and budget admit it, and it is charged.</summary>
    private static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> SearchAsync(SearchBody body, HttpContext context, [FromServices] SessionGrains sessions,
        [FromServices] PermissionCache permissions)
    {
        ApiTelemetry.Request("search");
        var query = body.Query?.Trim() ?? "";
        if (query.Length is 0 or > 1000) return Problems.BadRequest(ErrorCodes.QueryLength, "query: 1 to 1000 characters.");
        var topK = body.TopK ?? 5;
        if (topK is < 1 or > 50) return Problems.BadRequest(ErrorCodes.TopKRange, "topK must be 1 to 50.");
        var tags = body.Tags?.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (tags is { Count: > MaxSearchTags } || tags?.Any(t => t.Length > MaxTagLength) == true)
            return Problems.BadRequest(ErrorCodes.TagsInvalid, $"tags: at most {MaxSearchTags}, each at most {MaxTagLength} characters.")
                .With("max", MaxSearchTags).With("maxLength", MaxTagLength);
        var access = await permissions.AccessAsync(context.User.Caller());
        var outcome = await sessions.For(context.User.Id())
            .SearchAsync(new SearchQuery(query, topK, tags is { Count: > 0 } ? tags : null, access.Readable), context.RequestAborted);
        if (outcome.Refusal is { } refusal) return Problems.FromChatError(context, refusal);
        return TypedResults.Ok(new SearchResponse(outcome.Hits, new SearchUsage(outcome.EmbeddingTokens, outcome.CostUsd)));
    }

    /// <summary>The document and the caller's access, or the problem to return: 404 when it does not exist or the caller
    /// may not read it (so existence does not leak), 403 when <paramref name="change"/> is asked of a document the caller
    /// may read but not change.</summary>
    private static async Task<(DocumentInfo? Info, Access? Access, ProblemHttpResult? Problem)> FindAsync(string id, HttpContext context,
        IClusterClient grains, PermissionCache permissions, bool change)
    {
        var access = await permissions.AccessAsync(context.User.Caller());
        if (!IsDocumentId(id) || await grains.GetGrain<IDocumentGrain>(id).GetAsync() is not { } info || !access.CanRead(info.Collection))
            return (null, access, Problems.NotFound(ErrorCodes.DocumentNotFound, "Document"));
        if (change && !access.CanChange(info))
            return (null, access, Problems.Forbidden(ErrorCodes.DocumentEditForbidden, "Only this collection's editors or an admin may change this document."));
        return (info, access, null);
    }

    /// <summary>Why the caller may not put a document into a collection (404 when it is unknown or unreadable), or null.</summary>
    private static async Task<ProblemHttpResult?> TargetProblemAsync(string collectionId, Access access, PermissionCache permissions)
    {
        var snapshot = await permissions.SnapshotAsync();
        if (snapshot.Collections.All(c => c.CollectionId != collectionId) || !access.CanRead(collectionId))
            return Problems.NotFound(ErrorCodes.CollectionNotFound, "Collection");
        return access.CanUploadInto(collectionId) ? null
            : Problems.Forbidden(ErrorCodes.CollectionUploadForbidden, "You may not add documents to this collection.");
    }

    private sealed class UploadedFile(Stream content, string fileName, string contentType, long length, string sha256) : IAsyncDisposable
    {
        public Stream Content { get; } = content;
        public string FileName { get; } = fileName;
        public string ContentType { get; } = contentType;
        public long Length { get; } = length;
        public string Sha256 { get; } = sha256;

        public ValueTask DisposeAsync() => Content.DisposeAsync();
    }

    private static async Task<(UploadedFile? File, IReadOnlyList<string> Tags, ProblemHttpResult? Problem)> ReadUploadAsync(HttpContext context, KnowledgeBaseOptions options)
    {
        if (!context.Request.HasFormContentType)
            return (null, [], TypedResults.Problem(Problems.Details(415, ErrorCodes.UnsupportedMediaType, "Unsupported media type.", "Send the file as multipart/form-data, field 'file'.", ErrorCodes.MultipartRequired)));
        if (context.Request.ContentLength > options.MaxUploadBytes + 1024 * 1024)
            return (null, [], TooLarge(options));
        var (form, problem) = await Forms.ReadAsync(context, () => TooLarge(options));
        if (form is null) return (null, [], problem);
        var file = form.Files.GetFile("file");
        if (file is null) return (null, [], Problems.BadRequest(ErrorCodes.FileFieldMissing, "Attach the file in the 'file' field."));
        if (file.Length == 0) return (null, [], Problems.Create(400, ErrorCodes.EmptyFile, "The file is empty."));
        if (file.Length > options.MaxUploadBytes) return (null, [], TooLarge(options));

        var fileName = UploadScreen.CleanFileName(file.FileName);
        var tags = (form["tags"].ToString() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(t => t.Length <= MaxTagLength).Distinct(StringComparer.OrdinalIgnoreCase).Take(MaxDocumentTags).ToList();

        // Keep a private copy: hashing and storing read it twice, and the form's buffer goes away with the request.
        var copy = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await using (var source = file.OpenReadStream()) await source.CopyToAsync(copy, context.RequestAborted);
        copy.Position = 0;
        var head = new byte[(int)Math.Min(UploadScreen.HeadBytes, copy.Length)];
        await copy.ReadExactlyAsync(head, context.RequestAborted);
        if (UploadScreen.Check(head, head.Length == copy.Length, fileName) is { } refusal)
        {
            await copy.DisposeAsync();
            var unsupported = Problems.Details(415, ErrorCodes.UnsupportedMediaType, "Unsupported file.", refusal.Message, refusal.Code);
            foreach (var (name, value) in refusal.Values) unsupported.Extensions[name] = value;
            return (null, [], TypedResults.Problem(unsupported));
        }
        copy.Position = 0;
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(copy, context.RequestAborted));
        return (new UploadedFile(copy, fileName, GuessContentType(fileName, file.ContentType), copy.Length, sha), tags, null);
    }

    private static ProblemHttpResult TooLarge(KnowledgeBaseOptions options)
        => TypedResults.Problem(Problems.Details(413, ErrorCodes.TooLarge, "The file is too large.", $"Limit: {options.MaxUploadBytes / (1024 * 1024)} MB.", ErrorCodes.FileTooLarge))
            .With("maxMb", options.MaxUploadBytes / (1024 * 1024));

    internal static string GuessContentType(string fileName, string? declared) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".pdf" => "application/pdf",
        ".docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".hwpx" => "application/hwp+zip",
        ".html" or ".htm" => "text/html",
        ".md" or ".markdown" => "text/markdown",
        ".txt" => "text/plain",
        ".csv" => "text/csv",
        _ => string.IsNullOrWhiteSpace(declared) ? "application/octet-stream" : declared,
    };

    public static string Status(DocumentStatus status) => status.ToString().ToLowerInvariant();

    private static DocumentView View(DocumentInfo d, Access access) => new(d.DocumentId, d.FileName, d.Title, d.ContentType, d.SizeBytes, Status(d.Status),
        d.Error, d.ErrorCode, d.ChunkCount, d.Tags, d.UploadedBy, d.UploadedAt, d.UpdatedAt, d.Version,
        d.Collection, !access.IsPublic(d.Collection), access.CanChange(d));

    private static bool IsDocumentId(string id) => DocumentIdPattern().IsMatch(id);

    [GeneratedRegex("^doc_[0-9a-f]{12}$")]
    private static partial Regex DocumentIdPattern();
}
