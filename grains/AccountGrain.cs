using KnowledgeBase.Grains.Hosting;
using Microsoft.Extensions.Options;

using KnowledgeBase.Grains.Accounts;

namespace KnowledgeBase.Grains;

public sealed record AccountState
{
    /// <summary>The layout of this record; a later release that changes it migrates from this number on purpose.</summary>
    public int SchemaVersion { get; set; } = 1;

    public string? UserId { get; init; }
    public string Email { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string Role { get; init; } = Roles.User;
    public string PasswordHash { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The identity provider's issuer and subject this account signs in with (company-account sign-in).</summary>
    public string? ExternalIssuer { get; init; }
    public string? ExternalSubject { get; init; }
}

/// <summary>Keyed by the lower-case e-mail. Owns the password hash and throttles repeated failed logins.</summary>
public sealed class AccountGrain(
    [PersistentState("account", "kb")] IPersistentState<AccountState> state,
    IOptions<LimitsOptions> limits,
    TimeProvider clock) : Grain, IAccountGrain
{
    private const int FreeFailures = 5;
    private static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);

    private readonly Queue<DateTimeOffset> _failures = new();
    private DateTimeOffset _lockedUntil;
    private int _lockouts;

    public async Task<RegisterResult> RegisterAsync(NewAccount account)
    {
        if (state.State.UserId is not null) return new RegisterResult(RegisterStatus.AlreadyExists, null);
        var profile = await CreateAsync(account.DisplayName, account.Role, PasswordHasher.Hash(account.Password), null, null);
        return new RegisterResult(RegisterStatus.Created, profile);
    }

    public async Task<ExternalSignInResult> SignInExternalAsync(ExternalIdentity identity)
    {
        if (state.State.UserId is null)
        {
            // No password: the account signs in through the identity provider only (until a password is set).
            var created = await CreateAsync(identity.DisplayName, identity.RoleForNewAccount, "", identity.Issuer, identity.Subject);
            return new ExternalSignInResult(ExternalSignInStatus.Created, created);
        }
        if (state.State.ExternalIssuer == identity.Issuer && state.State.ExternalSubject is { } subject && subject != identity.Subject)
            return new ExternalSignInResult(ExternalSignInStatus.SubjectMismatch, null);
        if (state.State.ExternalSubject is null || state.State.ExternalIssuer != identity.Issuer)
        {
            // An account made with a password links on its first company sign-in: the provider vouched for the address.
            state.State = state.State with { ExternalIssuer = identity.Issuer, ExternalSubject = identity.Subject };
            await state.WriteStateAsync();
        }
        return new ExternalSignInResult(ExternalSignInStatus.SignedIn, Profile());
    }

    private async Task<UserProfile> CreateAsync(string displayName, string role, string passwordHash, string? issuer, string? subject)
    {
        var profile = new UserProfile("usr_" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..16],
            this.GetPrimaryKeyString(), displayName, role, clock.GetUtcNow());
        state.State = new AccountState
        {
            UserId = profile.UserId,
            Email = profile.Email,
            DisplayName = profile.DisplayName,
            Role = profile.Role,
            PasswordHash = passwordHash,
            CreatedAt = profile.CreatedAt,
            ExternalIssuer = issuer,
            ExternalSubject = subject,
        };
        await state.WriteStateAsync();

        var defaults = new BudgetLimits(limits.Value.DailyTokens, limits.Value.MonthlyTokens);
        await GrainFactory.GetGrain<IUserSessionGrain>(profile.UserId).InitializeAsync(profile, defaults);
        await GrainFactory.GetGrain<IUserDirectoryGrain>("all").AddAsync(profile);
        return profile;
    }

    public Task<LoginResult> LoginAsync(string password)
    {
        var now = clock.GetUtcNow();
        if (now < _lockedUntil)
            return Task.FromResult(new LoginResult(LoginStatus.Throttled, null, RetryAfter(now)));

        var ok = PasswordHasher.Verify(password, state.State.UserId is null ? null : state.State.PasswordHash);
        if (ok)
        {
            _failures.Clear();
            _lockouts = 0;
            return Task.FromResult(new LoginResult(LoginStatus.Success, Profile(), null));
        }

        while (_failures.Count > 0 && now - _failures.Peek() > FailureWindow) _failures.Dequeue();
        _failures.Enqueue(now);
        if (_failures.Count >= FreeFailures)
        {
            // Each lockout doubles, from 30 s up to 15 minutes.
            var lockout = TimeSpan.FromSeconds(Math.Min(MaxLockout.TotalSeconds, 30 * Math.Pow(2, _lockouts++)));
            _lockedUntil = now + lockout;
            _failures.Clear();
        }
        return Task.FromResult(new LoginResult(LoginStatus.InvalidCredentials, null, null));
    }

    public Task<UserProfile?> GetProfileAsync() => Task.FromResult(state.State.UserId is null ? null : Profile());

    private UserProfile Profile() => new(state.State.UserId!, state.State.Email, state.State.DisplayName, state.State.Role, state.State.CreatedAt);

    private int RetryAfter(DateTimeOffset now) => (int)Math.Ceiling((_lockedUntil - now).TotalSeconds);
}
