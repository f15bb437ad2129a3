using System.Security.Cryptography;
using System.Text.RegularExpressions;
using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Audit;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Ingestion;
using KnowledgeBase.Grains.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Api.Endpoints;

public sealed record UploadAccepted(string DocumentId, string Status, int Version);
public sealed record DocumentView(
    string DocumentId, string FileName, string Title, string ContentType, long SizeBytes, string Status, string? Error, string? ErrorCode,
    int ChunkCount, IReadOnlyList<string> Tags, string UploadedBy, DateTimeOffset UploadedAt, DateTimeOffset UpdatedAt, int Version);
public sealed record DocumentList(IReadOnlyList<DocumentView> Items, int Total, int Skip, int Take);
public sealed record SearchBody(string? Query, int? TopK, IReadOnlyList<string>? Tags);
public sealed record SearchResponse(IReadOnlyList<SearchHit> Results);

public static partial class DocumentEndpoints
{
    public static IEndpointRouteBuilder MapDocumentEndpoints(this IEndpointRouteBuilder app)
    {
        var docs = app.MapGroup("/api/documents").RequireAuthorization().WithTags("documents");
        docs.MapPost("/", UploadAsync).DisableAntiforgery();
        docs.MapGet("/", ListAsync);
        docs.MapGet("/{id}", GetAsync);
        docs.MapGet("/{id}/content", ContentAsync);
        docs.MapDelete("/{id}", DeleteAsync);
        docs.MapPost("/{id}/reindex", ReindexAsync);
        docs.MapPut("/{id}", ReplaceAsync).DisableAntiforgery();
        app.MapPost("/api/search", SearchAsync).RequireAuthorization().WithTags("search");
        return app;
    }

    private static async Task<Results<Accepted<UploadAccepted>, Ok<UploadAccepted>, ProblemHttpResult>> UploadAsync(
        HttpContext context, [FromServices] IClusterClient grains, [FromServices] IBlobStore blobs, [FromServices] IOptions<KnowledgeBaseOptions> options)
    {
        ApiTelemetry.Request("upload");
        var (file, tags, problem) = await ReadUploadAsync(context, options.Value);
        if (problem is not null) return problem;
        await using var _ = file!;

        var documentId = "doc_" + file!.Sha256[..12];
        var grain = grains.GetGrain<IDocumentGrain>(documentId);
        if (await grain.GetAsync() is { } existing)
            return TypedResults.Ok(new UploadAccepted(existing.DocumentId, Status(existing.Status), existing.Version));

        var blobKey = $"documents/{documentId}/{file.Sha256}";
        file.Content.Position = 0;
        await blobs.PutAsync(blobKey, file.Content, file.ContentType, context.RequestAborted);
        var result = await grain.SubmitAsync(new DocumentUpload(file.FileName, file.ContentType, file.Length, file.Sha256, blobKey, tags, context.User.Id()));
        var body = new UploadAccepted(result.Info.DocumentId, Status(result.Info.Status), result.Info.Version);
        if (result.Created) await context.AuditAsync(AuditActions.DocumentUploaded, documentId, $"file={file.FileName} bytes={file.Length} sha256={file.Sha256}");
        return result.Created ? TypedResults.Accepted($"/api/documents/{documentId}", body) : TypedResults.Ok(body);
    }

    private static async Task<Results<Accepted<UploadAccepted>, ProblemHttpResult>> ReplaceAsync(string id, HttpContext context,
        [FromServices] IClusterClient grains, [FromServices] IBlobStore blobs, [FromServices] IOptions<KnowledgeBaseOptions> options)
    {
        var (current, denied) = await FindOwnedAsync(id, context, grains);
        if (denied is not null) return denied;
        var (file, tags, problem) = await ReadUploadAsync(context, options.Value);
        if (problem is not null) return problem;
        await using var _ = file!;

        var blobKey = $"documents/{id}/{file!.Sha256}";
        file.Content.Position = 0;
        await blobs.PutAsync(blobKey, file.Content, file.ContentType, context.RequestAborted);
        var info = await grains.GetGrain<IDocumentGrain>(id).ReplaceAsync(
            new DocumentUpload(file.FileName, file.ContentType, file.Length, file.Sha256, blobKey, tags.Count > 0 ? tags : current!.Tags, current!.UploadedBy));
        await context.AuditAsync(AuditActions.DocumentReplaced, id, $"file={file.FileName} bytes={file.Length} sha256={file.Sha256} version={info.Version}");
        return TypedResults.Accepted($"/api/documents/{id}", new UploadAccepted(id, Status(info.Status), info.Version));
    }

    private static async Task<Ok<DocumentList>> ListAsync([FromServices] IClusterClient grains, int skip = 0, int take = 50, string? q = null, string? tag = null)
    {
        var page = await grains.GetGrain<IDocumentCatalogGrain>("all").ListAsync(Math.Max(0, skip), Math.Clamp(take, 1, 200), q, tag);
        return TypedResults.Ok(new DocumentList(page.Items.Select(View).ToList(), page.Total, page.Skip, page.Take));
    }

    private static async Task<Results<Ok<DocumentView>, ProblemHttpResult>> GetAsync(string id, [FromServices] IClusterClient grains)
        => IsDocumentId(id) && await grains.GetGrain<IDocumentGrain>(id).GetAsync() is { } info
            ? TypedResults.Ok(View(info))
            : Problems.NotFound("문서 (Document)");

    private static async Task<IResult> ContentAsync(string id, HttpContext context, [FromServices] IClusterClient grains, [FromServices] IBlobStore blobs)
    {
        if (!IsDocumentId(id) || await grains.GetGrain<IDocumentGrain>(id).GetAsync() is not { } info) return Problems.NotFound("문서 (Document)");
        var stream = await blobs.OpenReadAsync(info.BlobKey, context.RequestAborted);
        if (stream is null) return Problems.NotFound("원본 파일 (Original file)");
        // Uploaded files are untrusted: never let the browser run them as part of this site.
        context.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        var inline = info.ContentType is "application/pdf" or "text/plain" or "text/markdown" or "text/csv";
        return TypedResults.Stream(stream, inline ? info.ContentType + (info.ContentType.StartsWith("text/") ? "; charset=utf-8" : "") : "application/octet-stream",
            inline ? null : info.FileName, enableRangeProcessing: true);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext context, [FromServices] IClusterClient grains)
    {
        var (current, denied) = await FindOwnedAsync(id, context, grains);
        if (denied is not null) return denied;
        await grains.GetGrain<IDocumentGrain>(id).DeleteAsync();
        await context.AuditAsync(AuditActions.DocumentDeleted, id, $"file={current!.FileName}");
        return TypedResults.NoContent();
    }

    private static async Task<Results<Accepted<UploadAccepted>, ProblemHttpResult>> ReindexAsync(string id, HttpContext context, [FromServices] IClusterClient grains)
    {
        var (_, denied) = await FindOwnedAsync(id, context, grains);
        if (denied is not null) return denied;
        var info = await grains.GetGrain<IDocumentGrain>(id).ReindexAsync();
        return info is null ? Problems.NotFound("문서 (Document)") : TypedResults.Accepted($"/api/documents/{id}", new UploadAccepted(id, Status(info.Status), info.Version));
    }

    private static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> SearchAsync(SearchBody body, HttpContext context, [FromServices] IClusterClient grains)
    {
        ApiTelemetry.Request("search");
        var query = body.Query?.Trim() ?? "";
        if (query.Length is 0 or > 1000) return Problems.BadRequest("검색어는 1자 이상 1000자 이하여야 합니다. (query: 1 to 1000 characters.)");
        var topK = body.TopK ?? 5;
        if (topK is < 1 or > 50) return Problems.BadRequest("topK는 1부터 50 사이여야 합니다. (topK must be 1 to 50.)");
        var tags = body.Tags?.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).ToList();
        var hits = await grains.GetGrain<ISearchGrain>(0).SearchAsync(new SearchQuery(query, topK, tags is { Count: > 0 } ? tags : null), context.RequestAborted);
        return TypedResults.Ok(new SearchResponse(hits));
    }

    /// <summary>The document, if it exists and the caller uploaded it or is an admin; otherwise the problem to return.</summary>
    private static async Task<(DocumentInfo? Info, ProblemHttpResult? Problem)> FindOwnedAsync(string id, HttpContext context, IClusterClient grains)
    {
        if (!IsDocumentId(id) || await grains.GetGrain<IDocumentGrain>(id).GetAsync() is not { } info)
            return (null, Problems.NotFound("문서 (Document)"));
        if (info.UploadedBy != context.User.Id() && !context.User.IsAdmin())
            return (null, Problems.Forbidden("업로드한 사람이나 관리자만 변경할 수 있습니다. (Only the uploader or an admin may change this document.)"));
        return (info, null);
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
            return (null, [], Problems.Create(415, "unsupported_media_type", "multipart/form-data로 파일을 보내 주세요. (Send the file as multipart/form-data, field 'file'.)"));
        if (context.Request.ContentLength > options.MaxUploadBytes + 1024 * 1024)
            return (null, [], TooLarge(options));
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, [], ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) || ex is BadHttpRequestException { StatusCode: 413 }
                ? TooLarge(options)
                : Problems.BadRequest("업로드 형식이 올바르지 않습니다. (Malformed multipart upload.)"));
        }
        var file = form.Files.GetFile("file");
        if (file is null) return (null, [], Problems.BadRequest("'file' 필드에 파일을 첨부해 주세요. (Attach the file in the 'file' field.)"));
        if (file.Length == 0) return (null, [], Problems.Create(400, "empty_file", "빈 파일입니다. (The file is empty.)"));
        if (file.Length > options.MaxUploadBytes) return (null, [], TooLarge(options));

        var fileName = Path.GetFileName(file.FileName.Replace('\\', '/')).Trim();
        if (fileName.Length == 0 || fileName.Length > 255) fileName = "document";
        var tags = (form["tags"].ToString() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(t => t.Length <= 50).Distinct(StringComparer.OrdinalIgnoreCase).Take(20).ToList();

        // Keep a private copy: hashing and storing read it twice, and the form's buffer goes away with the request.
        var copy = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await using (var source = file.OpenReadStream()) await source.CopyToAsync(copy, context.RequestAborted);
        copy.Position = 0;
        var head = new byte[(int)Math.Min(UploadScreen.HeadBytes, copy.Length)];
        await copy.ReadExactlyAsync(head, context.RequestAborted);
        if (UploadScreen.Check(head, head.Length == copy.Length, fileName) is { } refusal)
        {
            await copy.DisposeAsync();
            return (null, [], Problems.Create(415, "unsupported_media_type", "지원하지 않는 파일입니다. (Unsupported file.)", refusal.Message));
        }
        copy.Position = 0;
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(copy, context.RequestAborted));
        return (new UploadedFile(copy, fileName, GuessContentType(fileName, file.ContentType), copy.Length, sha), tags, null);
    }

    private static ProblemHttpResult TooLarge(KnowledgeBaseOptions options)
        => Problems.Create(413, "too_large", "파일이 너무 큽니다. (The file is too large.)", $"최대 {options.MaxUploadBytes / (1024 * 1024)} MB까지 올릴 수 있습니다. (Limit: {options.MaxUploadBytes / (1024 * 1024)} MB.)");

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

    private static DocumentView View(DocumentInfo d) => new(d.DocumentId, d.FileName, d.Title, d.ContentType, d.SizeBytes, Status(d.Status),
        d.Error, d.ErrorCode, d.ChunkCount, d.Tags, d.UploadedBy, d.UploadedAt, d.UpdatedAt, d.Version);

    private static bool IsDocumentId(string id) => DocumentIdPattern().IsMatch(id);

    [GeneratedRegex("^doc_[0-9a-f]{12}$")]
    private static partial Regex DocumentIdPattern();
}
