using System.Security.Claims;
using System.Net.Mail;
using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Audit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KnowledgeBase.Api.Endpoints;

public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName);
public sealed record RegisterResponse(string UserId, string Email, string Role);

/// <summary>What the sign-up form shows before anyone types: the e-mail domains that may register.</summary>
public sealed record AuthOptionsResponse(IReadOnlyList<string> EmailDomains);
public sealed record LoginRequest(string? Email, string? Password);
public sealed record LoginResponse(string AccessToken, string TokenType, int ExpiresIn);
public sealed record BudgetView(long DailyTokens, long MonthlyTokens, long UsedToday, long UsedThisMonth, long RemainingToday, long RemainingThisMonth);
public sealed record MeResponse(string UserId, string Email, string DisplayName, string Role, BudgetView Budget, int RateLimitPerMinute);

public static class AuthEndpoints
{
    public const int MinPasswordLength = 8;

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("auth");
        group.MapPost("/register", RegisterAsync).RequireRateLimiting("auth");
        group.MapPost("/login", LoginAsync).RequireRateLimiting("auth");
        group.MapGet("/me", MeAsync).RequireAuthorization();
        group.MapGet("/options", ([FromServices] ApiSettings settings) => TypedResults.Ok(new AuthOptionsResponse(settings.EmailDomains.Order().ToList())));
        return app;
    }

    private static async Task<Results<Created<RegisterResponse>, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, HttpContext context, [FromServices] IClusterClient grains, [FromServices] ApiSettings settings)
    {
        var email = NormalizeEmail(request.Email);
        if (email is null) return Problems.BadRequest("올바른 이메일 주소를 입력해 주세요. (Enter a valid e-mail address.)");
        var domain = email[(email.LastIndexOf('@') + 1)..];
        if (!settings.EmailDomains.Contains(domain))
            return Problems.Create(403, "email_domain_not_allowed", "회사 이메일로만 가입할 수 있습니다. (Only company e-mail addresses may register.)",
                $"허용된 도메인 (allowed domains): {string.Join(", ", settings.EmailDomains)}");
        if (request.Password is null || request.Password.Length < MinPasswordLength)
            return Problems.BadRequest($"비밀번호는 {MinPasswordLength}자 이상이어야 합니다. (The password must be at least {MinPasswordLength} characters.)");
        if (request.Password.Length > 256) return Problems.BadRequest("비밀번호가 너무 깁니다. (The password is too long.)");
        var name = (request.DisplayName ?? "").Trim();
        if (name.Length is 0 or > 100) return Problems.BadRequest("이름은 1자 이상 100자 이하로 입력해 주세요. (Display name: 1 to 100 characters.)");

        var role = settings.AdminEmails.Contains(email) ? Roles.Admin : Roles.User;
        var result = await grains.GetGrain<IAccountGrain>(email).RegisterAsync(new NewAccount(email, request.Password, name, role));
        if (result.Status == RegisterStatus.AlreadyExists)
            return Problems.Create(409, "email_taken", "이미 가입된 이메일입니다. (This e-mail is already registered.)");
        var profile = result.Profile!;
        await context.AuditAsync(AuditActions.SignUp, profile.UserId, $"role={profile.Role}", profile.UserId, profile.Email);
        return TypedResults.Created("/api/auth/me", new RegisterResponse(profile.UserId, profile.Email, profile.Role));
    }

    private static async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> LoginAsync(
        LoginRequest request, HttpContext context, [FromServices] IClusterClient grains, [FromServices] JwtIssuer issuer, [FromServices] ApiSettings settings)
    {
        var email = NormalizeEmail(request.Email);
        if (email is null || string.IsNullOrEmpty(request.Password) || request.Password.Length > 256)
        {
            await context.AuditAsync(AuditActions.SignInFailed, "", "malformed", actorEmail: email ?? "");
            return InvalidCredentials();
        }
        var result = await grains.GetGrain<IAccountGrain>(email).LoginAsync(request.Password);
        switch (result.Status)
        {
            case LoginStatus.Success:
                await context.AuditAsync(AuditActions.SignIn, result.Profile!.UserId, "password", result.Profile.UserId, email);
                return TypedResults.Ok(new LoginResponse(issuer.Issue(result.Profile!), "Bearer", settings.JwtExpiresInSeconds));
            case LoginStatus.Throttled:
                await context.AuditAsync(AuditActions.SignInThrottled, "", $"retry_after={result.RetryAfterSeconds}", actorEmail: email);
                context.Response.Headers.RetryAfter = result.RetryAfterSeconds?.ToString() ?? "60";
                return Problems.Create(429, "login_throttled", "로그인 시도가 너무 많습니다. 잠시 후 다시 시도해 주세요. (Too many attempts; wait and retry.)",
                    $"{result.RetryAfterSeconds}초 후 다시 시도할 수 있습니다. (Retry in {result.RetryAfterSeconds} s.)");
            default:
                await context.AuditAsync(AuditActions.SignInFailed, "", result.Status.ToString(), actorEmail: email);
                return InvalidCredentials();
        }
    }

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> MeAsync(HttpContext context, [FromServices] IClusterClient grains)
    {
        var usage = await grains.GetGrain<IUserSessionGrain>(context.User.Id()).GetUsageAsync();
        if (usage is null) return Problems.Create(401, "unauthorized", "사용자를 찾을 수 없습니다. (Unknown user.)");
        // The role in force (an admin may have changed it since the token was issued; see EffectiveRoleClaims).
        return TypedResults.Ok(ToMe(usage) with { Role = Roles.Normalize(context.User.FindFirstValue(UserClaims.Role)) });
    }

    public static MeResponse ToMe(UsageSnapshot u) => new(u.UserId, u.Email, u.DisplayName, u.Role,
        new BudgetView(u.Limits.DailyTokens, u.Limits.MonthlyTokens, u.UsedToday, u.UsedThisMonth, u.RemainingToday, u.RemainingThisMonth),
        u.RateLimitPerMinute);

    // The same answer whether the e-mail or the password was wrong.
    private static ProblemHttpResult InvalidCredentials()
        => Problems.Create(401, "invalid_credentials", "이메일 또는 비밀번호가 올바르지 않습니다. (Wrong e-mail or password.)");

    public static string? NormalizeEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > 254) return null;
        var trimmed = email.Trim().ToLowerInvariant();
        if (!MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed || trimmed.Count(c => c == '@') != 1) return null;
        return trimmed;
    }
}
