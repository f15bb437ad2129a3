using System.Collections.Concurrent;
using System.Security.Claims;
using KnowledgeBase.Api.Hosting;

namespace KnowledgeBase.Api.Accounts;

/// <summary>Checks every authenticated request against the account as stored: it must exist, be enabled, and carry the
/// token's stamp; the role comes from the account, never from the token. Accounts are cached for a few seconds per api
/// process; a change made through this process drops its entry at once, and a stamp the cache does not know is looked
/// up again before a token is refused.</summary>
public sealed class AccountSessions(IClusterClient grains, TimeProvider clock)
{
    /// <summary>How long another api process may still accept a token after a change (this one: not at all).</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private const int MaxCached = 100_000;

    private readonly ConcurrentDictionary<string, (AccountSession? Session, DateTimeOffset At)> _cache = new(StringComparer.Ordinal);

    public void Invalidate(string email) => _cache.TryRemove(email, out _);

    /// <summary>The account behind a validated token, or null when the token no longer stands for a usable session.</summary>
    public async Task<AccountSession?> CheckAsync(ClaimsPrincipal principal)
    {
        if (principal.FindFirstValue(UserClaims.Email) is not { Length: > 0 } email
            || principal.FindFirstValue(UserClaims.UserId) is not { Length: > 0 } userId
            || principal.FindFirstValue(UserClaims.Stamp) is not { Length: > 0 } stamp)
            return null;
        var session = await GetAsync(email, fresh: false);
        // A stamp the cache does not know (or no account cached) is looked up again: the account may be newer than the cache.
        if (session is null || session.Stamp != stamp) session = await GetAsync(email, fresh: true);
        return session is { Disabled: false } && session.UserId == userId && session.Stamp == stamp ? session : null;
    }

    private async Task<AccountSession?> GetAsync(string email, bool fresh)
    {
        var now = clock.GetUtcNow();
        if (!fresh && _cache.TryGetValue(email, out var cached) && now - cached.At < CacheFor) return cached.Session;
        var session = await grains.GetGrain<IAccountGrain>(email).GetSessionAsync();
        if (_cache.Count >= MaxCached) _cache.Clear();
        _cache[email] = (session, now);
        return session;
    }

    /// <summary>Replaces the token's role with the account's.</summary>
    public static void ApplyRole(ClaimsPrincipal principal, AccountSession session)
    {
        if (principal.Identity is not ClaimsIdentity identity) return;
        foreach (var claim in identity.FindAll(UserClaims.Role).ToList()) identity.RemoveClaim(claim);
        identity.AddClaim(new Claim(UserClaims.Role, session.Role));
    }
}
