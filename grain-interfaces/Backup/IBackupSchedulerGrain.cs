namespace KnowledgeBase.Contracts;

/// <summary>The backup schedule (single activation, key "all"): a reminder ticks, and each part is backed up when its
/// period has passed since its last successful backup.</summary>
[Alias("kb.IBackupSchedulerGrain")]
public interface IBackupSchedulerGrain : IGrainWithStringKey
{
    /// <summary>Registers the reminder (idempotent; called at silo start when BACKUP_TARGET is set).</summary>
    [Alias("Start")]
    Task StartAsync();

    /// <summary>Backs up the given parts now and waits for the result.</summary>
    [Alias("RunNow"), ResponseTimeout("01:00:00")]
    Task<BackupResult> RunNowAsync(BackupParts parts);

    [AlwaysInterleave, Alias("Status")]
    Task<BackupStatus> GetStatusAsync();
}
