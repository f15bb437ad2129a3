namespace KnowledgeBase.Grains.Accounts;

/// <summary>The refresh tokens an account keeps, bounded whatever its sessions do: expired tokens go, each session keeps
/// its live token and only its last few rotated ones (enough to notice a stolen copy replayed soon after), and past
/// <see cref="MaxSessions"/> sessions the least recently used give way.</summary>
public static class RefreshTokens
{
    public const int MaxSessions = 20;

    /// <summary>Rotated tokens kept per session; an older rotated token presented again is simply unknown (refused).</summary>
    public const int RotatedKeptPerSession = 4;

    /// <summary><paramref name="entries"/> (oldest first) pruned as above, in the same order.</summary>
    public static List<RefreshEntry> Prune(IEnumerable<RefreshEntry> entries, DateTimeOffset now)
    {
        var live = entries.Where(r => r.Expires > now).ToList();
        // A session's last entry says when it was last used; the newest sessions stay.
        var sessions = live.Select((r, i) => (r.Family, Index: i)).GroupBy(x => x.Family).OrderByDescending(g => g.Max(x => x.Index))
            .Take(MaxSessions).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var rotatedLeft = sessions.ToDictionary(f => f, _ => RotatedKeptPerSession, StringComparer.Ordinal);
        var kept = new List<RefreshEntry>(live.Count);
        for (var i = live.Count - 1; i >= 0; i--)
        {
            var entry = live[i];
            if (!sessions.Contains(entry.Family)) continue;
            if (entry.Used && rotatedLeft[entry.Family]-- <= 0) continue;
            kept.Add(entry);
        }
        kept.Reverse();
        return kept;
    }
}
