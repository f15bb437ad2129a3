using System.Security.Claims;
using KnowledgeBase.Grains.Permissions;
using Microsoft.AspNetCore.Authentication;

namespace KnowledgeBase.Api.Hosting;

/// <summary>Puts the role an admin set in place of the one the token was issued with, so a changed role (a demoted
/// admin above all) is in force on the next request, not when the token expires. Reads this process's permission cache:
/// no grain call per request.</summary>
public sealed class EffectiveRoleClaims(PermissionCache permissions) : IClaimsTransformation
{
    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true } || principal.FindFirstValue(UserClaims.UserId) is null) return principal;
        var access = await permissions.AccessAsync(principal.Caller());
        if (access.Role == Roles.Normalize(principal.FindFirstValue(UserClaims.Role))) return principal;
        var changed = principal.Clone();
        var identity = (ClaimsIdentity)changed.Identity!;
        foreach (var claim in identity.FindAll(UserClaims.Role).ToList()) identity.RemoveClaim(claim);
        identity.AddClaim(new Claim(UserClaims.Role, access.Role));
        return changed;
    }
}
