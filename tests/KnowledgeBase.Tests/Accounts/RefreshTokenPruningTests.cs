using KnowledgeBase.Grains;
using KnowledgeBase.Grains.Accounts;

namespace KnowledgeBase.Tests.Accounts;

/// <summary>What an account keeps of its refresh tokens: bounded, however long and however many its sessions.</summary>
public sealed class RefreshTokenPruningTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 9, 0, 0, TimeSpan.FromHours(9));

    [Fact]
    public void A_session_rotated_a_thousand_times_keeps_its_live_token_and_its_last_rotated_ones_only()
    {
        var entries = new List<RefreshEntry>();
        for (var i = 0; i < 1000; i++)
        {
            // As a refresh does: the presented token is marked used, the next one added.
            entries = entries.Select(e => e with { Used = true }).ToList();
            entries = RefreshTokens.Prune(entries.Append(new RefreshEntry($"t{i}", "phone", Now.AddDays(14), false)), Now);
        }
        Assert.Equal(1 + RefreshTokens.RotatedKeptPerSession, entries.Count);
        Assert.Equal("t999", entries.Single(e => !e.Used).TokenHash);
        // The token rotated just before is still known, so replaying a fresh stolen copy still ends the session.
        Assert.Contains(entries, e => e.TokenHash == "t998" && e.Used);
    }

    [Fact]
    public void Expired_tokens_go_and_past_the_session_cap_the_least_recently_used_sessions_give_way()
    {
        var entries = new List<RefreshEntry> { new("old", "s-expired", Now.AddSeconds(-1), false) };
        for (var i = 0; i < RefreshTokens.MaxSessions + 5; i++) entries.Add(new RefreshEntry($"t{i}", $"s{i}", Now.AddDays(14), false));
        // Session 0 refreshed last: most recently used, so it stays although it began first.
        entries.Add(new RefreshEntry("t0-next", "s0", Now.AddDays(14), false));

        var kept = RefreshTokens.Prune(entries, Now);
        var sessions = kept.Select(e => e.Family).Distinct().ToList();
        Assert.Equal(RefreshTokens.MaxSessions, sessions.Count);
        Assert.DoesNotContain("s-expired", sessions);
        Assert.Contains("s0", sessions);
        Assert.DoesNotContain("s1", sessions);
        Assert.Contains($"s{RefreshTokens.MaxSessions + 4}", sessions);
    }
}
