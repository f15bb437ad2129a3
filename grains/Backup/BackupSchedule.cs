namespace KnowledgeBase.Grains.Backup;

/// <summary>The design's rhythm: database and documents daily, index weekly (weeks start Monday), logs monthly, all
/// in UTC. A part is due when its last successful backup is older than the start of the current period, so a missed
/// tick (silo down) is caught up at the next one.</summary>
public static class BackupSchedule
{
    public static BackupParts Due(DateTimeOffset now, IReadOnlyDictionary<BackupParts, DateTimeOffset> lastSuccess)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var week = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var month = new DateTimeOffset(today.Year, today.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var due = BackupParts.None;
        foreach (var (part, periodStart) in new[]
        {
            (BackupParts.Database, today), (BackupParts.Documents, today), (BackupParts.Index, week), (BackupParts.Logs, month),
        })
        {
            if (!lastSuccess.TryGetValue(part, out var last) || last < periodStart) due |= part;
        }
        return due;
    }
}
