namespace KnowledgeBase.Contracts;

/// <summary>admin (everything), editor (manages documents in the collections whose edit list names them), member
/// (reads). Any other stored value reads as member.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Editor = "editor";
    public const string Member = "member";

    public static bool IsKnown(string? role) => role is Admin or Editor or Member;

    public static string Normalize(string? role) => role switch
    {
        Admin => Admin,
        Editor => Editor,
        _ => Member,
    };
}

[GenerateSerializer, Immutable, Alias("kb.UserProfile")]
public sealed record UserProfile(
    [property: Id(0)] string UserId,
    [property: Id(1)] string Email,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] string Role,
    [property: Id(4)] DateTimeOffset CreatedAt);

/// <summary>A sign-up waiting for its e-mail to be proven. The password is already hashed; the token is stored only as
/// its hash. <see cref="Role"/> takes effect only once the address is verified.</summary>
[GenerateSerializer, Immutable, Alias("kb.NewAccount")]
public sealed record NewAccount(
    [property: Id(0)] string Email,
    [property: Id(1)] string PasswordHash,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] string Role,
    [property: Id(4)] string TokenHash,
    [property: Id(5)] DateTimeOffset Expires);

[GenerateSerializer, Alias("kb.RegisterStatus")]
public enum RegisterStatus { Created = 0, AlreadyExists = 1, VerificationSent = 2 }

[GenerateSerializer, Immutable, Alias("kb.RegisterResult")]
public sealed record RegisterResult(
    [property: Id(0)] RegisterStatus Status,
    [property: Id(1)] UserProfile? Profile);

[GenerateSerializer, Alias("kb.LoginStatus")]
public enum LoginStatus { Success = 0, InvalidCredentials = 1, Throttled = 2, NotVerified = 3, Disabled = 4 }

[GenerateSerializer, Immutable, Alias("kb.LoginResult")]
public sealed record LoginResult(
    [property: Id(0)] LoginStatus Status,
    [property: Id(1)] UserProfile? Profile,
    [property: Id(2)] int? RetryAfterSeconds,
    [property: Id(3)] string? Stamp = null);

/// <summary>What every authenticated request is checked against: the account as stored now, not as the token says.</summary>
[GenerateSerializer, Immutable, Alias("kb.AccountSession")]
public sealed record AccountSession(
    [property: Id(0)] string UserId,
    [property: Id(1)] string Email,
    [property: Id(2)] string Role,
    [property: Id(3)] string Stamp,
    [property: Id(4)] bool Disabled);

/// <summary>A sign-in that succeeded (password, verification, invitation or refresh): the profile and the stamp the
/// new access token must carry.</summary>
[GenerateSerializer, Immutable, Alias("kb.SignedIn")]
public sealed record SignedIn(
    [property: Id(0)] UserProfile Profile,
    [property: Id(1)] string Stamp);

/// <summary>A refresh token as the account stores it: only the hash, its family (one sign-in and its rotations) and
/// its expiry.</summary>
[GenerateSerializer, Immutable, Alias("kb.RefreshGrant")]
public sealed record RefreshGrant(
    [property: Id(0)] string TokenHash,
    [property: Id(1)] DateTimeOffset Expires);
