namespace KnowledgeBase.Grains.Chat;

/// <summary>Uploads per user over a sliding hour (UPLOAD_QUOTA_PER_HOUR; 0 = no quota). Kept by the user's session grain,
/// which is one per user in the whole cluster, so the quota holds whichever api the uploads arrive through.</summary>
public sealed class UploadQuota(int perHour)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private readonly Queue<DateTimeOffset> _recent = new();

    /// <returns>null when the upload may start (and it is counted); otherwise the seconds until one may.</returns>
    public int? TryTake(DateTimeOffset now)
    {
        if (perHour <= 0) return null;
        while (_recent.Count > 0 && now - _recent.Peek() >= Window) _recent.Dequeue();
        if (_recent.Count >= perHour) return Math.Max(1, (int)Math.Ceiling((_recent.Peek() + Window - now).TotalSeconds));
        _recent.Enqueue(now);
        return null;
    }
}
