using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Retrieval;
using KnowledgeBase.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Backup;

/// <summary>The silo's backups: BACKUP_TARGET (a directory or s3://bucket/prefix) and the live parts it copies. The
/// embedded index is snapshotted in-process (writers pause, searches continue).</summary>
public sealed class BackupService(IServiceProvider services, IConfiguration config, IOptions<KnowledgeBaseOptions> options, TimeProvider clock)
{
    public string? Target { get; } = config["BACKUP_TARGET"] is { Length: > 0 } t ? t.Trim() : null;

    public bool IsConfigured => Target is not null;

    public TimeSpan CheckInterval { get; } = TimeSpan.FromMinutes(KnowledgeBaseSettings.Int(config, "BACKUP_CHECK_MINUTES", 60, 1, 24 * 60));

    public async Task<BackupResult> RunAsync(BackupParts parts, CancellationToken cancellationToken = default)
    {
        if (Target is null) throw new InvalidOperationException("BACKUP_TARGET is not set: there is nowhere to write backups.");
        var target = BackupTarget.Open(Target, config);
        try
        {
            var runner = new BackupRunner(Sources(services, options.Value), target, clock,
                services.GetService<ILoggerFactory>()?.CreateLogger<BackupRunner>());
            return await runner.RunAsync(parts, cancellationToken);
        }
        finally { (target as IDisposable)?.Dispose(); }
    }

    public static BackupSources Sources(IServiceProvider services, KnowledgeBaseOptions options)
    {
        Func<string, CancellationToken, Task>? snapshot = services.GetService<IKnowledgeIndex>() is HybridKnowledgeIndex index
            ? index.SnapshotAsync
            : null;
        return new BackupSources(services.GetRequiredService<DatabaseOptions>(), services.GetRequiredService<IBlobStore>(), snapshot, options.LogDir);
    }
}
