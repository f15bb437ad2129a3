using System.Security.Claims;

namespace KnowledgeBase.Api.Hosting;

public static class UserClaims
{
    public const string UserId = "sub";
    public const string Email = "email";
    public const string Role = "role";
    public const string Name = "name";

    public static string Id(this ClaimsPrincipal user) => user.FindFirstValue(UserId) ?? throw new InvalidOperationException("Authenticated user without a subject.");

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(Contracts.Roles.Admin);

    /// <summary>The caller as permission checks see them: the user and the role their token carries.</summary>
    public static Caller Caller(this ClaimsPrincipal user) => new(user.Id(), user.FindFirstValue(Role) ?? Contracts.Roles.Member);
}
