using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Audit;
using KnowledgeBase.Grains.Backup;
using Microsoft.AspNetCore.Mvc;

namespace KnowledgeBase.Api.Endpoints;

public sealed record BackupRequest(string? Parts);

/// <summary>Admin: the backup schedule's status, and a backup taken now (the same run the schedule makes).</summary>
public static class BackupEndpoints
{
    public static IEndpointRouteBuilder MapBackupEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/backups").RequireAuthorization("admin").WithTags("admin");
        admin.MapGet("", async ([FromServices] IClusterClient grains) => TypedResults.Ok(await grains.GetGrain<IBackupSchedulerGrain>("all").GetStatusAsync()));
        admin.MapPost("", RunAsync);
        return app;
    }

    private static async Task<IResult> RunAsync(BackupRequest? request, HttpContext context, [FromServices] IClusterClient grains)
    {
        BackupParts parts;
        try { parts = BackupCommand.ParseParts(request?.Parts); }
        catch (ArgumentException ex) { return Problems.BadRequest(ex.Message); }

        var scheduler = grains.GetGrain<IBackupSchedulerGrain>("all");
        if (!(await scheduler.GetStatusAsync()).Scheduled)
            return Problems.Create(409, "backup_not_configured", "백업 대상이 설정되지 않았습니다. (No backup target.)", "Set BACKUP_TARGET to a directory or s3://bucket/prefix.");
        try
        {
            var result = await scheduler.RunNowAsync(parts);
            await context.AuditAsync(AuditActions.BackupCompleted, result.BackupId, $"parts={result.Parts} files={result.Files}");
            return TypedResults.Ok(result);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or Amazon.S3.AmazonS3Exception or System.Data.Common.DbException)
        {
            await context.AuditAsync(AuditActions.BackupFailed, "", $"parts={parts} error={ex.GetType().Name}");
            return Problems.Create(503, "backup_failed", "백업에 실패했습니다. (Backup failed.)", ex.Message);
        }
    }
}
