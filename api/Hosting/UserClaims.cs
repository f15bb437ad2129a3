using System.Security.Claims;

namespace KnowledgeBase.Api.Hosting;

public static class UserClaims
{
    public const string UserId = "sub";
    public const string Email = "email";
    public const string Role = "role";
    public const string Name = "name";

    /// <summary>The account's security stamp when the token was issued; a changed account has a new one.</summary>
    public const string Stamp = "stamp";

    public static string Id(this ClaimsPrincipal user) => user.FindFirstValue(UserId) ?? throw new InvalidOperationException("Authenticated user without a subject.");

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(Contracts.Roles.Admin);

    /// <summary>The caller as permission checks see them: the user and the role their token carries.</summary>
    public static Caller Caller(this ClaimsPrincipal user) => new(user.Id(), user.FindFirstValue(Role) ?? Contracts.Roles.Member);
}
