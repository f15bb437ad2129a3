using System.Security.Claims;
using KnowledgeBase.Api.Accounts;
using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Accounts;
using KnowledgeBase.Grains.Audit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KnowledgeBase.Api.Endpoints;

public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName);
public sealed record RegisterResponse(string Email, bool VerificationSent);

/// <summary>What the sign-up form shows before anyone types: the e-mail domains that may register.</summary>
public sealed record AuthOptionsResponse(IReadOnlyList<string> EmailDomains);
public sealed record LoginRequest(string? Email, string? Password);
public sealed record LoginResponse(string AccessToken, string TokenType, int ExpiresIn, string RefreshToken, int RefreshExpiresIn);
public sealed record TokenRequest(string? Token);
public sealed record RefreshRequest(string? RefreshToken);
public sealed record ResetRequest(string? Email);
public sealed record ResetConfirmRequest(string? Token, string? Password);
public sealed record AcceptInviteRequest(string? Token, string? Password, string? DisplayName);
public sealed record VerifiedResponse(string UserId, string Email, string Role);
public sealed record BudgetView(long DailyTokens, long MonthlyTokens, long UsedToday, long UsedThisMonth, long RemainingToday, long RemainingThisMonth);
public sealed record MeResponse(string UserId, string Email, string DisplayName, string Role, BudgetView Budget, int RateLimitPerMinute);

/// <summary>Sign-up with a mailed verification link, sign-in with short access tokens and rotating refresh tokens,
/// password reset by mail, invitations, and deleting one's own account.</summary>
public static class AuthEndpoints
{
    /// <summary>Anonymous bodies are a few fields: anything larger is refused before it is read.</summary>
    public const long AnonymousBodyLimit = 16 * 1024;

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("auth");
        var anonymous = group.MapGroup("").RequireRateLimiting("auth").WithMetadata(new RequestSizeLimitAttribute(AnonymousBodyLimit));
        anonymous.MapPost("/register", RegisterAsync);
        anonymous.MapPost("/verify", VerifyAsync);
        anonymous.MapPost("/login", LoginAsync);
        anonymous.MapPost("/refresh", RefreshAsync);
        anonymous.MapPost("/logout", LogoutAsync);
        anonymous.MapPost("/password-reset", RequestResetAsync);
        anonymous.MapPost("/password-reset/confirm", ConfirmResetAsync);
        anonymous.MapPost("/invitation/accept", AcceptInviteAsync);
        group.MapGet("/me", MeAsync).RequireAuthorization();
        group.MapDelete("/me", DeleteMeAsync).RequireAuthorization();
        group.MapGet("/options", ([FromServices] ApiSettings settings) => TypedResults.Ok(new AuthOptionsResponse(settings.EmailDomains.Order().ToList())));
        return app;
    }

    private static async Task<Results<Accepted<RegisterResponse>, ProblemHttpResult>> RegisterAsync(RegisterRequest request, HttpContext context,
        [FromServices] IClusterClient grains, [FromServices] ApiSettings settings, [FromServices] AccountLinks links, [FromServices] TimeProvider clock)
    {
        var email = AccountRules.NormalizeEmail(request.Email);
        if (email is null) return InvalidEmail();
        // Invite-only still lets the operator's ADMIN_EMAILS sign up (verified by mail like anyone), so someone can invite.
        if (settings.Signup == SignupMode.Invite && !settings.AdminEmails.Contains(email))
            return Problems.Create(403, ErrorCodes.SignupInviteOnly, "Sign-up is by invitation only; ask an admin.");
        if (DomainProblem(email, settings) is { } domain) return domain;
        var name = (request.DisplayName ?? "").Trim();
        if (name.Length is 0 or > 100) return Problems.BadRequest(ErrorCodes.NameLength, "Display name: 1 to 100 characters.").With("max", 100);
        if (AccountRules.PasswordProblem(request.Password, email, name) is { } weak) return WeakPassword(weak);

        var token = Tokens.New(email);
        var role = settings.AdminEmails.Contains(email) ? Roles.Admin : Roles.Member;
        var result = await grains.GetGrain<IAccountGrain>(email).RegisterAsync(new NewAccount(email, PasswordHasher.Hash(request.Password!), name, role,
            Tokens.Hash(token), clock.GetUtcNow() + AccountLinks.VerificationLifetime));
        if (result.Status == RegisterStatus.AlreadyExists)
            return Problems.Create(409, ErrorCodes.EmailTaken, "This e-mail is already registered; reset the password if you forgot it.");
        await links.SendVerificationAsync(context, email, token);
        await context.AuditAsync(AuditActions.SignUp, email, $"role={role}; waiting for e-mail verification", actorEmail: email);
        return TypedResults.Accepted((string?)null, new RegisterResponse(email, true));
    }

    private static async Task<Results<Ok<VerifiedResponse>, ProblemHttpResult>> VerifyAsync(TokenRequest request, HttpContext context, [FromServices] IClusterClient grains)
    {
        if (AccountOf(request.Token) is not { } email) return InvalidToken();
        var profile = await grains.GetGrain<IAccountGrain>(email).VerifyAsync(Tokens.Hash(request.Token!));
        if (profile is null) return InvalidToken();
        await context.AuditAsync(AuditActions.EmailVerified, profile.UserId, $"role={profile.Role}", profile.UserId, profile.Email);
        return TypedResults.Ok(new VerifiedResponse(profile.UserId, profile.Email, profile.Role));
    }

    private static async Task<Results<Created<VerifiedResponse>, ProblemHttpResult>> AcceptInviteAsync(AcceptInviteRequest request, HttpContext context,
        [FromServices] IClusterClient grains)
    {
        if (AccountOf(request.Token) is not { } email) return InvalidToken();
        var name = (request.DisplayName ?? "").Trim();
        if (name.Length is 0 or > 100) return Problems.BadRequest(ErrorCodes.NameLength, "Display name: 1 to 100 characters.").With("max", 100);
        if (AccountRules.PasswordProblem(request.Password, email, name) is { } weak) return WeakPassword(weak);
        var profile = await grains.GetGrain<IAccountGrain>(email).AcceptInviteAsync(Tokens.Hash(request.Token!), PasswordHasher.Hash(request.Password!), name);
        if (profile is null) return InvalidToken();
        await context.AuditAsync(AuditActions.InvitationAccepted, profile.UserId, $"role={profile.Role}", profile.UserId, profile.Email);
        return TypedResults.Created("/api/auth/me", new VerifiedResponse(profile.UserId, profile.Email, profile.Role));
    }

    private static async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> LoginAsync(LoginRequest request, HttpContext context,
        [FromServices] IClusterClient grains, [FromServices] SessionTokens tokens)
    {
        var email = AccountRules.NormalizeEmail(request.Email);
        if (email is null || string.IsNullOrEmpty(request.Password) || request.Password.Length > AccountRules.MaxPasswordLength)
        {
            await context.AuditAsync(AuditActions.SignInFailed, "", "malformed", actorEmail: email ?? "");
            return InvalidCredentials();
        }
        var (refresh, grant) = tokens.NewRefresh(email);
        var result = await grains.GetGrain<IAccountGrain>(email).LoginAsync(request.Password, ClientAddresses.KeyOf(context), grant);
        switch (result.Status)
        {
            case LoginStatus.Success:
                await context.AuditAsync(AuditActions.SignIn, result.Profile!.UserId, "password", result.Profile.UserId, email);
                return TypedResults.Ok(tokens.Response(result.Profile!, result.Stamp!, refresh));
            case LoginStatus.Throttled:
                await context.AuditAsync(AuditActions.SignInThrottled, "", $"retry_after={result.RetryAfterSeconds}", actorEmail: email);
                context.Response.Headers.RetryAfter = result.RetryAfterSeconds?.ToString() ?? "60";
                return Problems.Create(429, ErrorCodes.LoginThrottled, "Too many attempts; wait and retry.", $"Retry in {result.RetryAfterSeconds} s.");
            case LoginStatus.NotVerified:
                await context.AuditAsync(AuditActions.SignInRefused, "", "email_not_verified", actorEmail: email);
                return Problems.Create(403, ErrorCodes.EmailNotVerified, "Confirm your e-mail address first: open the link we sent.");
            case LoginStatus.Disabled:
                await context.AuditAsync(AuditActions.SignInRefused, "", "account_disabled", actorEmail: email);
                return Problems.Create(403, ErrorCodes.AccountDisabled, "This account is disabled; contact an admin.");
            default:
                await context.AuditAsync(AuditActions.SignInFailed, "", result.Status.ToString(), actorEmail: email);
                return InvalidCredentials();
        }
    }

    private static async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> RefreshAsync(RefreshRequest request,
        [FromServices] IClusterClient grains, [FromServices] SessionTokens tokens)
    {
        if (AccountOf(request.RefreshToken) is not { } email) return InvalidRefresh();
        var (refresh, grant) = tokens.NewRefresh(email);
        var signedIn = await grains.GetGrain<IAccountGrain>(email).RefreshAsync(Tokens.Hash(request.RefreshToken!), grant);
        return signedIn is null ? InvalidRefresh() : TypedResults.Ok(tokens.Response(signedIn.Profile, signedIn.Stamp, refresh));
    }

    private static async Task<NoContent> LogoutAsync(RefreshRequest request, [FromServices] IClusterClient grains)
    {
        if (AccountOf(request.RefreshToken) is { } email)
            await grains.GetGrain<IAccountGrain>(email).RevokeRefreshAsync(Tokens.Hash(request.RefreshToken!));
        return TypedResults.NoContent();
    }

    /// <summary>Always 202, whether or not the address has an account, so the answer tells nobody who is registered.</summary>
    private static async Task<Accepted> RequestResetAsync(ResetRequest request, HttpContext context,
        [FromServices] IClusterClient grains, [FromServices] AccountLinks links, [FromServices] TimeProvider clock, [FromServices] ILoggerFactory loggers)
    {
        if (AccountRules.NormalizeEmail(request.Email) is { } email)
        {
            var token = Tokens.New(email);
            if (await grains.GetGrain<IAccountGrain>(email).RequestPasswordResetAsync(Tokens.Hash(token), clock.GetUtcNow() + AccountLinks.ResetLifetime))
            {
                try
                {
                    await links.SendResetAsync(context, email, token);
                }
                catch (MailUnavailableException e)
                {
                    // Still 202: an error only for registered addresses would tell who has an account.
                    loggers.CreateLogger("KnowledgeBase.Accounts").LogError("Password-reset mail not sent: {Reason}", e.Message);
                }
                await context.AuditAsync(AuditActions.PasswordResetRequested, email, "", actorEmail: email);
            }
        }
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ConfirmResetAsync(ResetConfirmRequest request, HttpContext context,
        [FromServices] IClusterClient grains, [FromServices] AccountSessions sessions)
    {
        if (AccountOf(request.Token) is not { } email) return InvalidToken();
        if (AccountRules.PasswordProblem(request.Password, email, null) is { } weak) return WeakPassword(weak);
        if (!await grains.GetGrain<IAccountGrain>(email).ResetPasswordAsync(Tokens.Hash(request.Token!), PasswordHasher.Hash(request.Password!)))
            return InvalidToken();
        sessions.Invalidate(email);
        await context.AuditAsync(AuditActions.PasswordChanged, email, "reset by mail; sessions ended", actorEmail: email);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> MeAsync(HttpContext context, [FromServices] IClusterClient grains)
    {
        var usage = await grains.GetGrain<IUserSessionGrain>(context.User.Id()).GetUsageAsync();
        if (usage is null) return TypedResults.Problem(Problems.Details(401, ErrorCodes.Unauthorized, "Unknown user.", code: ErrorCodes.UnknownUser));
        // The role in force: the account's, as every request carries it (AccountSessions), not the one the token was issued with.
        return TypedResults.Ok(ToMe(usage) with { Role = Roles.Normalize(context.User.FindFirstValue(UserClaims.Role)) });
    }

    /// <summary>Deletes the caller's account with their conversations, feedback and budget (PIPA); spend already counted
    /// in the company totals stays.</summary>
    private static async Task<NoContent> DeleteMeAsync(HttpContext context, [FromServices] IClusterClient grains, [FromServices] AccountSessions sessions)
    {
        var email = context.User.FindFirst(UserClaims.Email)!.Value;
        await grains.GetGrain<IAccountGrain>(email).DeleteAsync();
        sessions.Invalidate(email);
        await context.AuditAsync(AuditActions.AccountDeleted, context.User.Id(), "by the user");
        return TypedResults.NoContent();
    }

    public static MeResponse ToMe(UsageSnapshot u) => new(u.UserId, u.Email, u.DisplayName, u.Role,
        new BudgetView(u.Limits.DailyTokens, u.Limits.MonthlyTokens, u.UsedToday, u.UsedThisMonth, u.RemainingToday, u.RemainingThisMonth),
        u.RateLimitPerMinute);

    public static ProblemHttpResult? DomainProblem(string email, ApiSettings settings)
    {
        var domain = email[(email.LastIndexOf('@') + 1)..];
        return settings.EmailDomains.Contains(domain) ? null
            : Problems.Create(403, ErrorCodes.EmailDomainNotAllowed, "Only company e-mail addresses may register.",
                $"Allowed domains: {string.Join(", ", settings.EmailDomains)}").With("domains", settings.EmailDomains.Order().ToList());
    }

    /// <summary>The account a mailed or refresh token names, or null when it names no well-formed company address:
    /// a forged token never activates an account grain under an arbitrary key.</summary>
    private static string? AccountOf(string? token)
        => Tokens.EmailOf(token) is { } email && AccountRules.NormalizeEmail(email) == email ? email : null;

        public static ProblemHttpResult InvalidEmail() => Problems.BadRequest(ErrorCodes.EmailInvalid, "Enter a valid e-mail address.");

    private static ProblemHttpResult WeakPassword((string Code, string Detail) problem)
        => TypedResults.Problem(Problems.Details(400, ErrorCodes.WeakPassword, "A stronger password is needed.", problem.Detail, problem.Code))
            .With("min", AccountRules.MinPasswordLength);

    private static ProblemHttpResult InvalidToken()
        => Problems.Create(400, ErrorCodes.InvalidToken, "The link has expired or was already used.");

    private static ProblemHttpResult InvalidRefresh()
        => Problems.Create(401, ErrorCodes.InvalidRefreshToken, "Sign in again.");

    // The same answer whether the e-mail or the password was wrong.
    private static ProblemHttpResult InvalidCredentials()
        => Problems.Create(401, ErrorCodes.InvalidCredentials, "Wrong e-mail or password.");
}
