using KnowledgeBase.Grains.Audit;
using KnowledgeBase.Grains.Backup;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Grains;

public sealed record BackupScheduleState
{
    /// <summary>The layout of this record; a later release that changes it migrates from this number on purpose.</summary>
    public int SchemaVersion { get; set; } = 1;

    public Dictionary<BackupParts, DateTimeOffset> LastSuccess { get; init; } = new();
    public BackupResult? LastResult { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? LastErrorAt { get; set; }
}

/// <summary>Runs backups on the design's schedule. A reminder ticks every BACKUP_CHECK_MINUTES; each tick backs up the
/// parts that are due (<see cref="BackupSchedule"/>). The reminder only wakes the grain: what is due comes from the
/// persisted last-success times, so a reminder service that forgets (the embedded in-memory one) costs nothing.</summary>
public sealed class BackupSchedulerGrain(
    [PersistentState("backups", "kb")] IPersistentState<BackupScheduleState> state,
    BackupService backups,
    IAuditLog audit,
    TimeProvider clock,
    ILogger<BackupSchedulerGrain> logger) : Grain, IBackupSchedulerGrain, IRemindable
{
    private const string ReminderName = "backup";
    private Task<BackupResult>? _running;

    public async Task StartAsync()
    {
        if (!backups.IsConfigured) return;
        var period = backups.CheckInterval;
        await this.RegisterOrUpdateReminder(ReminderName, period, period);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName || _running is { IsCompleted: false }) return Task.CompletedTask;
        var due = BackupSchedule.Due(clock.GetUtcNow(), state.State.LastSuccess);
        // Not awaited: a backup can take longer than a reminder tick may; the run continues on this activation and
        // records its own success or failure (logged, audited, and in the status the admin console shows), so its
        // exception is observed here rather than left to the finalizer.
        if (due != BackupParts.None) _ = ObserveAsync(_running = RunScheduledAsync(due));
        return Task.CompletedTask;
    }

    public async Task<BackupResult> RunNowAsync(BackupParts parts)
    {
        if (_running is { IsCompleted: false }) await _running.ContinueWith(_ => { }, TaskScheduler.Current);
        _running = RunAsync(parts);
        return await _running;
    }

    public Task<BackupStatus> GetStatusAsync() => Task.FromResult(new BackupStatus(
        backups.IsConfigured, backups.Target, state.State.LastSuccess, state.State.LastResult, state.State.LastError, state.State.LastErrorAt));

    /// <summary>A run the schedule started: recorded in the audit log here (a run an admin asked for is recorded by
    /// the endpoint, with the admin as the actor).</summary>
    private async Task<BackupResult> RunScheduledAsync(BackupParts parts)
    {
        try
        {
            var result = await RunAsync(parts);
            await audit.RecordAsync(new AuditEvent(AuditActions.System, "", "", AuditActions.BackupCompleted, result.BackupId, $"parts={result.Parts} files={result.Files} scheduled"));
            return result;
        }
        catch (Exception ex)
        {
            await audit.RecordAsync(new AuditEvent(AuditActions.System, "", "", AuditActions.BackupFailed, "", $"parts={parts} error={ex.GetType().Name} scheduled"));
            throw;
        }
    }

    private static async Task ObserveAsync(Task<BackupResult> run)
    {
        try { await run; }
        catch (Exception) { /* recorded by RunAsync and RunScheduledAsync */ }
    }

    private async Task<BackupResult> RunAsync(BackupParts parts)
    {
        DelayDeactivation(TimeSpan.FromHours(2));
        try
        {
            var result = await backups.RunAsync(parts);
            foreach (var part in BackupManifest.EachPart.Where(p => result.Parts.HasFlag(p)))
                state.State.LastSuccess[part] = result.CreatedAt;
            state.State.LastResult = result;
            state.State.LastError = null;
            await state.WriteStateAsync();
            return result;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Backup of {Parts} failed", parts);
            state.State.LastError = ex.Message;
            state.State.LastErrorAt = clock.GetUtcNow();
            await state.WriteStateAsync();
            throw;
        }
    }
}
