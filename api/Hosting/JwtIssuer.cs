using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace KnowledgeBase.Api.Hosting;

/// <summary>Issues short-lived HS256 access tokens (JWT_EXPIRES_IN, key from <see cref="ApiSettings"/>) carrying the
/// account's security stamp, and describes how they are validated. The role claim is for display only: requests get the
/// account's current role (<see cref="Accounts.AccountSessions"/>).</summary>
public sealed class JwtIssuer(ApiSettings settings, TimeProvider clock)
{
    public const string Issuer = "knowledge-base";
    public const string Audience = "knowledge-base-api";
    private readonly JsonWebTokenHandler _handler = new();

    public string Issue(UserProfile profile, string stamp)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddSeconds(settings.JwtExpiresInSeconds),
            Subject = new ClaimsIdentity(
            [
                new Claim(UserClaims.UserId, profile.UserId),
                new Claim(UserClaims.Email, profile.Email),
                new Claim(UserClaims.Name, profile.DisplayName),
                new Claim(UserClaims.Role, profile.Role),
                new Claim(UserClaims.Stamp, stamp),
            ]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(settings.JwtKey), SecurityAlgorithms.HmacSha256),
        });
    }

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = new SymmetricSecurityKey(settings.JwtKey),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = UserClaims.UserId,
        RoleClaimType = UserClaims.Role,
    };
}
