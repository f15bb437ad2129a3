using System.Security.Cryptography;
using KnowledgeBase.Grains.Accounts;
using KnowledgeBase.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains;

public sealed record AccountState
{
    /// <summary>The layout of this record; a later release that changes it migrates from this number on purpose.
    /// 2: the account holds the role an admin set (1 kept it in the permission snapshot only).</summary>
    public int SchemaVersion { get; set; } = 2;

    /// <summary>Set once the address is proven (verification link or invitation); null while only sign-ups wait.</summary>
    public string? UserId { get; init; }
    public string Email { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string Role { get; init; } = Roles.Member;
    public string PasswordHash { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public bool Disabled { get; init; }

    /// <summary>Changes whenever the account does (password, role, disable); access tokens carry it, so a change ends
    /// every session on its next request.</summary>
    public string? Stamp { get; init; }

    /// <summary>Sign-ups and invitations waiting for their link, newest last.</summary>
    public List<PendingSignUp> Pending { get; init; } = [];
    public string? ResetTokenHash { get; init; }
    public DateTimeOffset ResetExpires { get; init; }
    public List<RefreshEntry> Refresh { get; init; } = [];

    /// <summary>The identity provider's issuer and subject this account signs in with (company-account sign-in).</summary>
    public string? ExternalIssuer { get; init; }
    public string? ExternalSubject { get; init; }
}

/// <summary>A sign-up (password set) or an invitation (no password yet) waiting for the mailed token.</summary>
public sealed record PendingSignUp(string TokenHash, string PasswordHash, string DisplayName, string Role, DateTimeOffset Expires, bool Invited);

/// <summary>One refresh token: its hash, the session (family) it belongs to, and whether it was already rotated.</summary>
public sealed record RefreshEntry(string TokenHash, string Family, DateTimeOffset Expires, bool Used);

/// <summary>Keyed by the lower-case e-mail. Owns the password hash, verification, the security stamp and refresh tokens,
/// and throttles failed logins per client address.</summary>
public sealed class AccountGrain(
    [PersistentState("account", "kb")] IPersistentState<AccountState> state,
    IOptions<LimitsOptions> limits,
    TimeProvider clock) : Grain, IAccountGrain
{
    private const int MaxPending = 3;

    private readonly LoginThrottle _throttle = new();

    private AccountState S => state.State;
    private bool Exists => S.UserId is not null;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Accounts stored before stamps existed get one, so their tokens can be checked like any other.
        if (Exists && string.IsNullOrEmpty(S.Stamp))
        {
            state.State = S with { Stamp = NewStamp() };
            await state.WriteStateAsync(cancellationToken);
        }
        // Accounts stored when an admin's role change went to the permission snapshot alone take that role, once.
        if (Exists && S.SchemaVersion < 2)
        {
            var snapshot = await GrainFactory.GetGrain<IPermissionsGrain>("all").GetSnapshotAsync();
            var role = snapshot.Roles.TryGetValue(S.UserId!, out var set) ? set : S.Role;
            state.State = S with { Role = role, Stamp = role == S.Role ? S.Stamp : NewStamp(), SchemaVersion = 2 };
            await state.WriteStateAsync(cancellationToken);
            if (set is not null) await GrainFactory.GetGrain<IUserDirectoryGrain>("all").AddAsync(Profile());
        }
    }

    public async Task<RegisterResult> RegisterAsync(NewAccount account) => await AddPendingAsync(account, invited: false);

    public async Task<RegisterResult> InviteAsync(NewAccount invitation) => await AddPendingAsync(invitation, invited: true);

    private async Task<RegisterResult> AddPendingAsync(NewAccount account, bool invited)
    {
        if (Exists) return new RegisterResult(RegisterStatus.AlreadyExists, null);
        var now = clock.GetUtcNow();
        // Each sign-up keeps its own password: whoever proves the mailbox activates the sign-up whose link they opened,
        // so a stranger registering the same address first cannot choose the owner's password.
        var pending = S.Pending.Where(p => p.Expires > now).TakeLast(MaxPending - 1).ToList();
        pending.Add(new PendingSignUp(account.TokenHash, account.PasswordHash, account.DisplayName, account.Role, account.Expires, invited));
        state.State = S with { Email = this.GetPrimaryKeyString(), Pending = pending };
        await state.WriteStateAsync();
        return new RegisterResult(RegisterStatus.VerificationSent, null);
    }

    public async Task<UserProfile?> VerifyAsync(string tokenHash)
    {
        if (Exists || TakePending(tokenHash) is not { Invited: false } pending) return null;
        return await CreateAsync(pending.PasswordHash, pending.DisplayName, pending.Role, null, null);
    }

    public async Task<UserProfile?> AcceptInviteAsync(string tokenHash, string passwordHash, string displayName)
    {
        if (Exists || TakePending(tokenHash) is not { Invited: true } pending) return null;
        return await CreateAsync(passwordHash, displayName, pending.Role, null, null);
    }

    private PendingSignUp? TakePending(string tokenHash)
    {
        var now = clock.GetUtcNow();
        return S.Pending.FirstOrDefault(p => p.Expires > now && Tokens.HashesEqual(p.TokenHash, tokenHash));
    }

    public async Task<ExternalSignInResult> SignInExternalAsync(ExternalIdentity identity)
    {
        if (!Exists)
        {
            // The sign-up rules apply as to a password sign-up (a deleted account is a new one): an open invitation,
            // or sign-up open to this address. The provider vouched for the address, so no mailed link is needed; no
            // password: the account signs in through the identity provider only (until a password is set).
            var invitation = S.Pending.LastOrDefault(p => p.Invited && p.Expires > clock.GetUtcNow());
            if (invitation is null && !identity.MayCreateAccount)
                return new ExternalSignInResult(ExternalSignInStatus.NotInvited, null);
            var created = await CreateAsync("", identity.DisplayName, invitation?.Role ?? identity.RoleForNewAccount, identity.Issuer, identity.Subject);
            return new ExternalSignInResult(ExternalSignInStatus.Created, created);
        }
        if (S.Disabled) return new ExternalSignInResult(ExternalSignInStatus.Disabled, null);
        if (S.ExternalIssuer == identity.Issuer && S.ExternalSubject is { } subject && subject != identity.Subject)
            return new ExternalSignInResult(ExternalSignInStatus.SubjectMismatch, null);
        if (S.ExternalSubject is null || S.ExternalIssuer != identity.Issuer)
        {
            // An account made with a password links on its first company sign-in: the provider vouched for the address.
            state.State = S with { ExternalIssuer = identity.Issuer, ExternalSubject = identity.Subject };
            await state.WriteStateAsync();
        }
        return new ExternalSignInResult(ExternalSignInStatus.SignedIn, Profile());
    }

    private async Task<UserProfile> CreateAsync(string passwordHash, string displayName, string role, string? issuer, string? subject)
    {
        var profile = new UserProfile("usr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            this.GetPrimaryKeyString(), displayName, role, clock.GetUtcNow());
        state.State = new AccountState
        {
            UserId = profile.UserId,
            Email = profile.Email,
            DisplayName = profile.DisplayName,
            Role = profile.Role,
            PasswordHash = passwordHash,
            CreatedAt = profile.CreatedAt,
            Stamp = NewStamp(),
            ExternalIssuer = issuer,
            ExternalSubject = subject,
        };
        await state.WriteStateAsync();

        var defaults = new BudgetLimits(limits.Value.DailyTokens, limits.Value.MonthlyTokens);
        await GrainFactory.GetGrain<IUserSessionGrain>(profile.UserId).InitializeAsync(profile, defaults);
        await GrainFactory.GetGrain<IUserDirectoryGrain>("all").AddAsync(profile);
        return profile;
    }

    public async Task<LoginResult> LoginAsync(string password, string clientAddress, RefreshGrant grant)
    {
        var now = clock.GetUtcNow();
        if (_throttle.RetryAfter(clientAddress, now) is { } wait)
            return new LoginResult(LoginStatus.Throttled, null, wait);

        if (!Exists)
        {
            // A sign-up whose link was not opened yet: the right password says so, anything else is a plain failure.
            var waiting = S.Pending.Where(p => p.Expires > now && !p.Invited).ToList();
            if (waiting.Count == 0) PasswordHasher.Verify(password, null);
            if (waiting.Any(p => PasswordHasher.Verify(password, p.PasswordHash)))
                return new LoginResult(LoginStatus.NotVerified, null, null);
            _throttle.Failed(clientAddress, now);
            return new LoginResult(LoginStatus.InvalidCredentials, null, null);
        }
        if (!PasswordHasher.Verify(password, S.PasswordHash))
        {
            _throttle.Failed(clientAddress, now);
            return new LoginResult(LoginStatus.InvalidCredentials, null, null);
        }
        _throttle.Succeeded(clientAddress);
        if (S.Disabled) return new LoginResult(LoginStatus.Disabled, null, null);
        await AddRefreshAsync(grant, Guid.NewGuid().ToString("N"));
        return new LoginResult(LoginStatus.Success, Profile(), null, S.Stamp);
    }

    public async Task<SignedIn?> OpenSessionAsync(RefreshGrant grant)
    {
        if (!Exists || S.Disabled) return null;
        await AddRefreshAsync(grant, Guid.NewGuid().ToString("N"));
        return new SignedIn(Profile(), S.Stamp!);
    }

    public async Task<SignedIn?> RefreshAsync(string tokenHash, RefreshGrant next)
    {
        if (!Exists) return null;
        var now = clock.GetUtcNow();
        var entry = S.Refresh.FirstOrDefault(r => Tokens.HashesEqual(r.TokenHash, tokenHash));
        if (entry is null || entry.Expires <= now) return null;
        if (entry.Used || S.Disabled)
        {
            // A rotated token presented again: someone kept a copy. End that whole session.
            state.State = S with { Refresh = RefreshTokens.Prune(S.Refresh.Where(r => r.Family != entry.Family), now) };
            await state.WriteStateAsync();
            return null;
        }
        var refresh = S.Refresh.Select(r => r == entry ? r with { Used = true } : r).ToList();
        state.State = S with { Refresh = refresh };
        await AddRefreshAsync(next, entry.Family);
        return new SignedIn(Profile(), S.Stamp!);
    }

    public async Task RevokeRefreshAsync(string tokenHash)
    {
        var entry = S.Refresh.FirstOrDefault(r => Tokens.HashesEqual(r.TokenHash, tokenHash));
        if (entry is null) return;
        state.State = S with { Refresh = RefreshTokens.Prune(S.Refresh.Where(r => r.Family != entry.Family), clock.GetUtcNow()) };
        await state.WriteStateAsync();
    }

    private async Task AddRefreshAsync(RefreshGrant grant, string family)
    {
        // Pruned with every new token, so the list stays small however long and however many the sessions.
        state.State = S with { Refresh = RefreshTokens.Prune(S.Refresh.Append(new RefreshEntry(grant.TokenHash, family, grant.Expires, Used: false)), clock.GetUtcNow()) };
        await state.WriteStateAsync();
    }

    public Task<AccountSession?> GetSessionAsync()
        => Task.FromResult(Exists ? new AccountSession(S.UserId!, S.Email, S.Role, S.Stamp ?? "", S.Disabled) : null);

    public async Task<bool> RequestPasswordResetAsync(string tokenHash, DateTimeOffset expires)
    {
        if (!Exists || S.Disabled) return false;
        state.State = S with { ResetTokenHash = tokenHash, ResetExpires = expires };
        await state.WriteStateAsync();
        return true;
    }

    public async Task<bool> ResetPasswordAsync(string tokenHash, string passwordHash)
    {
        if (!Exists || S.Disabled || S.ResetTokenHash is null || S.ResetExpires <= clock.GetUtcNow() || !Tokens.HashesEqual(S.ResetTokenHash, tokenHash))
            return false;
        state.State = S with { PasswordHash = passwordHash, ResetTokenHash = null, Stamp = NewStamp(), Refresh = [] };
        await state.WriteStateAsync();
        return true;
    }

    public async Task<UserProfile?> SetRoleAsync(string role)
    {
        if (!Exists) return null;
        if (!Roles.IsKnown(role)) throw new ArgumentException($"Unknown role '{role}'.", nameof(role));
        // Every session ends: tokens are issued anew with the new role.
        state.State = S with { Role = role, Stamp = NewStamp(), Refresh = [] };
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IUserDirectoryGrain>("all").AddAsync(Profile());
        await GrainFactory.GetGrain<IPermissionsGrain>("all").SetRoleAsync(S.UserId!, role);
        return Profile();
    }

    public async Task<AccountSession?> SetDisabledAsync(bool disabled)
    {
        if (!Exists) return null;
        state.State = S with { Disabled = disabled, Stamp = NewStamp(), Refresh = [] };
        await state.WriteStateAsync();
        return await GetSessionAsync();
    }

    public async Task EndSessionsAsync()
    {
        if (!Exists) return;
        state.State = S with { Stamp = NewStamp(), Refresh = [] };
        await state.WriteStateAsync();
    }

    public async Task<bool> DeleteAsync()
    {
        if (!Exists) return false;
        var userId = S.UserId!;
        // The account first: from here no token of the user works, even if erasing the data is cut short.
        await state.ClearStateAsync();
        state.State = new AccountState();
        await GrainFactory.GetGrain<IUserSessionGrain>(userId).EraseAsync();
        await GrainFactory.GetGrain<IUserDirectoryGrain>("all").RemoveAsync(userId);
        return true;
    }

    public Task<UserProfile?> GetProfileAsync() => Task.FromResult(Exists ? Profile() : null);

    private UserProfile Profile() => new(S.UserId!, S.Email, S.DisplayName, S.Role, S.CreatedAt);

    private static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
