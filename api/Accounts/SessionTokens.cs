using KnowledgeBase.Api.Endpoints;
using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Accounts;

namespace KnowledgeBase.Api.Accounts;

/// <summary>What a sign-in hands out: a short access token (JWT_EXPIRES_IN) and a refresh token (REFRESH_TOKEN_DAYS)
/// whose hash the account keeps.</summary>
public sealed class SessionTokens(JwtIssuer issuer, ApiSettings settings, TimeProvider clock)
{
    public (string Token, RefreshGrant Grant) NewRefresh(string email)
    {
        var token = Tokens.New(email);
        return (token, new RefreshGrant(Tokens.Hash(token), clock.GetUtcNow() + settings.RefreshTokenLifetime));
    }

    public LoginResponse Response(UserProfile profile, string stamp, string refreshToken)
        => new(issuer.Issue(profile, stamp), "Bearer", settings.JwtExpiresInSeconds, refreshToken, (int)settings.RefreshTokenLifetime.TotalSeconds);
}
