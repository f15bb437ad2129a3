namespace KnowledgeBase.Contracts;

/// <summary>A sign-in identity keyed by the normalised (lower-case) e-mail: password hash, role, verification, the
/// security stamp that ends sessions, refresh tokens and login throttling. Tokens arrive and are stored as hashes.</summary>
[Alias("kb.IAccountGrain")]
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>Records a sign-up waiting for its e-mail link; AlreadyExists when a verified account holds the address.</summary>
    [Alias("Register")]
    Task<RegisterResult> RegisterAsync(NewAccount account);

    /// <summary>An admin's invitation (no password yet); AlreadyExists when a verified account holds the address.</summary>
    [Alias("Invite")]
    Task<RegisterResult> InviteAsync(NewAccount invitation);

    /// <summary>Proves the address with the mailed token: the sign-up that token belongs to becomes the account.</summary>
    [Alias("Verify")]
    Task<UserProfile?> VerifyAsync(string tokenHash);

    /// <summary>Accepts an invitation with the invitee's own password and name; the invitation proved the address.</summary>
    [Alias("AcceptInvite")]
    Task<UserProfile?> AcceptInviteAsync(string tokenHash, string passwordHash, string displayName);

    /// <summary>Checks the password; throttled per client address, so failures from one address never lock out another.
    /// On success the grant becomes a refresh token of a new session.</summary>
    [Alias("Login")]
    Task<LoginResult> LoginAsync(string password, string clientAddress, RefreshGrant grant);

    /// <summary>A session for an account whose owner was proven another way (single sign-on); null when there is no
    /// usable account.</summary>
    [Alias("OpenSession")]
    Task<SignedIn?> OpenSessionAsync(RefreshGrant grant);

    /// <summary>Rotates a refresh token: the old one stops working, the next one is stored. A token used twice ends its
    /// whole session family (it was stolen or replayed).</summary>
    [Alias("Refresh")]
    Task<SignedIn?> RefreshAsync(string tokenHash, RefreshGrant next);

    [Alias("RevokeRefresh")]
    Task RevokeRefreshAsync(string tokenHash);

    [AlwaysInterleave, Alias("GetSession")]
    Task<AccountSession?> GetSessionAsync();

    /// <summary>Stores a password-reset token; false (and nothing stored) when no usable account holds the address.</summary>
    [Alias("RequestPasswordReset")]
    Task<bool> RequestPasswordResetAsync(string tokenHash, DateTimeOffset expires);

    [Alias("ResetPassword")]
    Task<bool> ResetPasswordAsync(string tokenHash, string passwordHash);

    /// <summary>Changes the role, which lives here (the one place it is decided); every session ends, and the copies
    /// readers keep (the user directory, the permission snapshot silos and apis cache) get the new role before this
    /// returns. Null when there is no account.</summary>
    [Alias("SetRole")]
    Task<UserProfile?> SetRoleAsync(string role);

    [Alias("SetDisabled")]
    Task<AccountSession?> SetDisabledAsync(bool disabled);

    /// <summary>Ends every session (new stamp, refresh tokens dropped). Every account change calls it; other changes
    /// to a user (a role change) call it too.</summary>
    [Alias("EndSessions")]
    Task EndSessionsAsync();

    /// <summary>Removes the account and the user's conversations, feedback and budget; accounting totals stay.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync();

    [Alias("GetProfile")]
    Task<UserProfile?> GetProfileAsync();

    /// <summary>Signs in a person the identity provider vouched for, creating the account on first sign-in. An
    /// account already linked to another subject of the same issuer (the address was given to someone else there) is
    /// refused rather than handed over.</summary>
    [Alias("SignInExternal")]
    Task<ExternalSignInResult> SignInExternalAsync(ExternalIdentity identity);
}
