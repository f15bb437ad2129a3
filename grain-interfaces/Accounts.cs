namespace KnowledgeBase.Contracts;

/// <summary>admin (everything), editor (manages documents in the collections whose edit list names them), member
/// (reads). Accounts created before these roles carry "user", which is a member.</summary>
public static class Roles
{
    public const string User = "user";
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

[GenerateSerializer, Immutable, Alias("kb.NewAccount")]
public sealed record NewAccount(
    [property: Id(0)] string Email,
    [property: Id(1)] string Password,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] string Role);

[GenerateSerializer, Alias("kb.RegisterStatus")]
public enum RegisterStatus { Created = 0, AlreadyExists = 1 }

[GenerateSerializer, Immutable, Alias("kb.RegisterResult")]
public sealed record RegisterResult(
    [property: Id(0)] RegisterStatus Status,
    [property: Id(1)] UserProfile? Profile);

[GenerateSerializer, Alias("kb.LoginStatus")]
public enum LoginStatus { Success = 0, InvalidCredentials = 1, Throttled = 2 }

[GenerateSerializer, Immutable, Alias("kb.LoginResult")]
public sealed record LoginResult(
    [property: Id(0)] LoginStatus Status,
    [property: Id(1)] UserProfile? Profile,
    [property: Id(2)] int? RetryAfterSeconds);
