using System.Security.Claims;
using KnowledgeBase.Api.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KnowledgeBase.Api.Endpoints;

public sealed record SsoInfo(bool Enabled, string? DisplayName);

/// <summary>Company-account sign-in (see <see cref="SsoHosting"/>): whether it is configured, the redirect to the
/// provider, and the exchange of the hand-over cookie for the product's access token.</summary>
public static class SsoEndpoints
{
    public static IEndpointRouteBuilder MapSsoEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth/sso").WithTags("auth");
        group.MapGet("", ([FromServices] SsoOptions sso) => TypedResults.Ok(new SsoInfo(sso.Enabled, sso.DisplayName)));
        group.MapGet("/login", Login).RequireRateLimiting("auth");
        group.MapPost("/token", TokenAsync).RequireRateLimiting("auth");
        return app;
    }

    private static IResult Login(HttpContext context, [FromServices] SsoOptions sso)
    {
        if (!sso.Enabled) return NotConfigured();
        return TypedResults.Challenge(new AuthenticationProperties { RedirectUri = SsoHosting.DonePage(context.Request) }, [SsoHosting.Scheme]);
    }

    private static async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> TokenAsync(HttpContext context, [FromServices] SsoOptions sso,
        [FromServices] IClusterClient grains, [FromServices] KnowledgeBase.Api.Accounts.SessionTokens tokens)
    {
        if (!sso.Enabled) return NotConfigured();
        var handOver = await context.AuthenticateAsync(SsoHosting.CookieScheme);
        await context.SignOutAsync(SsoHosting.CookieScheme);
        if (!handOver.Succeeded || handOver.Principal.FindFirstValue(UserClaims.Email) is not { } email)
            return Problems.Create(401, "sso_session_missing", "회사 계정 로그인을 다시 시작해 주세요. (Start the company-account sign-in again.)");
        // A session like a password sign-in's: the account's stamp and a refresh token (none for a disabled account).
        var (refresh, grant) = tokens.NewRefresh(email);
        var signedIn = await grains.GetGrain<IAccountGrain>(email).OpenSessionAsync(grant);
        if (signedIn is null || signedIn.Profile.UserId != handOver.Principal.FindFirstValue(UserClaims.UserId))
            return Problems.Create(401, "sso_session_missing", "회사 계정 로그인을 다시 시작해 주세요. (Start the company-account sign-in again.)");
        return TypedResults.Ok(tokens.Response(signedIn.Profile, signedIn.Stamp, refresh));
    }

    private static ProblemHttpResult NotConfigured()
        => Problems.Create(404, "sso_not_configured", "회사 계정 로그인이 설정되지 않았습니다. (Company-account sign-in is not configured.)", "Set OIDC_AUTHORITY and OIDC_CLIENT_ID.");
}
