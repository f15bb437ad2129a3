using KnowledgeBase.Grains.Audit;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Retrieval;
using KnowledgeBase.Grains.Storage;
using Lucene.Net.Store;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Backup;

/// <summary>The `backup` and `restore` verbs of the api and silo executables (same settings as the service):
///   backup  --to DIR|s3://bucket/prefix [--parts database,index,documents,logs]
///   restore --from DIR|s3://bucket/prefix [--backup ID] [--parts ...]
/// Restore needs the service stopped; backup works either way (with the service running, the embedded index is left
/// to the scheduled backup, which snapshots it in-process).</summary>
public static class BackupCommand
{
    public static bool Matches(string[] args) => args.Length > 0 && args[0] is "backup" or "restore";

    public static async Task<int> RunAsync(string[] args, IConfiguration config, TextWriter output, CancellationToken cancellationToken = default)
    {
        try
        {
            var options = KnowledgeBaseConfiguration.Load(config);
            var parts = ParseParts(Option(args, "--parts"));
            using var services = Services(config, options);
            if (args[0] == "backup")
            {
                var target = Option(args, "--to") ?? config["BACKUP_TARGET"]
                    ?? throw new ArgumentException("backup: say where with --to DIR or --to s3://bucket/prefix (or set BACKUP_TARGET).");
                var result = await BackupAsync(config, options, services, target, parts, cancellationToken);
                output.WriteLine($"backup {result.BackupId} → {target}: {result.Files} files, {result.FilesCopied} copied ({result.BytesCopied:N0} bytes)");
                foreach (var note in result.Notes) output.WriteLine("  " + note);
                return 0;
            }

            var from = Option(args, "--from") ?? config["BACKUP_TARGET"]
                ?? throw new ArgumentException("restore: say from where with --from DIR or --from s3://bucket/prefix.");
            var restored = await RestoreAsync(config, options, services, from, Option(args, "--backup"), parts, line => output.WriteLine("  " + line), cancellationToken);
            output.WriteLine($"restored from {from} in {restored.Elapsed.TotalSeconds:F1} s: {restored.FilesVerified} files ({restored.BytesVerified:N0} bytes) verified; "
                + string.Join(", ", restored.RestoredFrom.Select(p => $"{BackupManifest.PartName(p.Key)} from {p.Value}")));
            output.WriteLine("next: start the service and check GET /health/ready (silo) or /health/live (api)");
            return 0;
        }
        catch (BackupIntegrityException ex)
        {
            output.WriteLine("refused: " + ex.Message);
            return 2;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            output.WriteLine("error: " + ex.Message);
            return 1;
        }
    }

    /// <summary>A backup from outside the service. The embedded index is snapshotted only when no running service
    /// holds it (the Lucene write lock says so).</summary>
    public static async Task<BackupResult> BackupAsync(IConfiguration config, KnowledgeBaseOptions options, IServiceProvider services,
        string target, BackupParts parts, CancellationToken cancellationToken)
    {
        var store = BackupTarget.Open(target, config);
        HybridKnowledgeIndex? index = null;
        try
        {
            var notes = new List<string>();
            if (parts.HasFlag(BackupParts.Index) && string.IsNullOrEmpty(config["CHROMA_URL"]))
            {
                try { index = new HybridKnowledgeIndex(Options.Create(options)); }
                catch (LockObtainFailedException)
                {
                    parts &= ~BackupParts.Index;
                    notes.Add("index: in use by the running service, not taken here (the scheduled backup or POST /api/admin/backups snapshots it)");
                }
            }
            var sources = new BackupSources(services.GetRequiredService<DatabaseOptions>(), services.GetRequiredService<IBlobStore>(),
                index is null ? null : index.SnapshotAsync, options.LogDir);
            var result = await new BackupRunner(sources, store, TimeProvider.System).RunAsync(parts, cancellationToken);
            return result with { Notes = [.. result.Notes, .. notes] };
        }
        finally
        {
            index?.Dispose();
            (store as IDisposable)?.Dispose();
        }
    }

    public static async Task<RestoreResult> RestoreAsync(IConfiguration config, KnowledgeBaseOptions options, IServiceProvider services,
        string from, string? backupId, BackupParts parts, Action<string>? progress, CancellationToken cancellationToken)
    {
        var source = BackupTarget.Open(from, config);
        try
        {
            var runner = new RestoreRunner(services.GetRequiredService<DatabaseOptions>(), services.GetRequiredService<IBlobStore>(),
                options.DataDir, options.LogDir, source);
            var result = await runner.RestoreAsync(backupId, parts, progress, cancellationToken);
            // The audit table is not part of a backup, so a restore never rolls the trail back; it is recorded on it.
            var database = services.GetRequiredService<DatabaseOptions>();
            DatabaseSchema.EnsureCreated(database);
            await new AuditStore(database).AppendAsync(
                new AuditEvent(AuditActions.System, "", Environment.MachineName, AuditActions.RestoreCompleted, backupId ?? "latest", $"parts={parts} from={from}"),
                TimeProvider.System.GetUtcNow(), cancellationToken);
            return result;
        }
        finally { (source as IDisposable)?.Dispose(); }
    }

    /// <summary>The parts of the service a backup or restore reads and writes, wired from the same settings as the silo.</summary>
    public static ServiceProvider Services(IConfiguration config, KnowledgeBaseOptions options)
    {
        var services = new ServiceCollection();
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(DatabaseOptions.Parse(config["DATABASE_URL"], options.DataDir, SiloHostingExtensions.PoolSize(config)));
        services.AddDocumentStore(config);
        return services.BuildServiceProvider();
    }

    public static BackupParts ParseParts(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return BackupParts.All;
        var parts = BackupParts.None;
        foreach (var name in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            parts |= BackupManifest.EachPart.FirstOrDefault(p => BackupManifest.PartName(p) == name.ToLowerInvariant()) is var p and not BackupParts.None
                ? p
                : throw new ArgumentException($"--parts: unknown part '{name}' (use database, index, documents, logs).");
        return parts;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
