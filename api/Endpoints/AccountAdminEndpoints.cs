using KnowledgeBase.Api.Accounts;
using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Accounts;
using KnowledgeBase.Grains.Audit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KnowledgeBase.Api.Endpoints;

public sealed record InviteRequest(string? Email, string? Role);

/// <summary>The invitation. <see cref="Link"/> is returned only when no SMTP server is set, so the admin can hand it over.</summary>
public sealed record InviteResponse(string Email, string Role, bool Mailed, string? Link);
public sealed record StatusRequest(bool? Disabled);
public sealed record StatusResponse(string UserId, string Email, bool Disabled);

/// <summary>Admins invite people, disable and delete accounts. Every change ends the user's sessions on their next request.</summary>
public static class AccountAdminEndpoints
{
    public static RouteGroupBuilder MapAccountAdmin(this RouteGroupBuilder admin)
    {
        admin.MapPost("/invites", InviteAsync);
        admin.MapPut("/users/{userId}/status", SetStatusAsync);
        admin.MapDelete("/users/{userId}", DeleteAsync);
        return admin;
    }

    private static async Task<Results<Accepted<InviteResponse>, ProblemHttpResult>> InviteAsync(InviteRequest request, HttpContext context,
        [FromServices] IClusterClient grains, [FromServices] ApiSettings settings, [FromServices] AccountLinks links,
        [FromServices] IAccountMailer mailer, [FromServices] TimeProvider clock)
    {
        var email = AccountRules.NormalizeEmail(request.Email);
        if (email is null) return AuthEndpoints.InvalidEmail();
        if (AuthEndpoints.DomainProblem(email, settings) is { } domain) return domain;
        var role = (request.Role ?? Roles.Member).Trim().ToLowerInvariant();
        if (!Roles.IsKnown(role))
            return Problems.BadRequest("role은 admin, editor, member 중 하나여야 합니다. (role must be admin, editor or member.)");
        if (settings.AdminEmails.Contains(email)) role = Roles.Admin;

        var token = Tokens.New(email);
        var result = await grains.GetGrain<IAccountGrain>(email).InviteAsync(new NewAccount(email, "", "", role, Tokens.Hash(token),
            clock.GetUtcNow() + AccountLinks.InvitationLifetime));
        if (result.Status == RegisterStatus.AlreadyExists)
            return Problems.Create(409, "email_taken", "이미 가입된 이메일입니다. (This e-mail is already registered.)");
        await links.SendInvitationAsync(context, email, token);
        await context.AuditAsync(AuditActions.UserInvited, email, $"role={role}");
        var mailed = mailer is SmtpAccountMailer;
        return TypedResults.Accepted((string?)null, new InviteResponse(email, role, mailed, mailed ? null : links.Link(context, "invite", token)));
    }

    private static async Task<Results<Ok<StatusResponse>, ProblemHttpResult>> SetStatusAsync(string userId, StatusRequest request, HttpContext context,
        [FromServices] IClusterClient grains, [FromServices] AccountSessions sessions)
    {
        if (request.Disabled is not { } disabled) return Problems.BadRequest("disabled는 true 또는 false여야 합니다. (disabled must be true or false.)");
        if (disabled && userId == context.User.Id())
            return Problems.BadRequest("자기 계정은 중지할 수 없습니다. (You cannot disable your own account.)");
        if (await grains.GetGrain<IUserDirectoryGrain>("all").FindAsync(userId) is not { } profile) return Problems.NotFound("사용자 (User)");
        var session = await grains.GetGrain<IAccountGrain>(profile.Email).SetDisabledAsync(disabled);
        sessions.Invalidate(profile.Email);
        if (session is not null) await context.AuditAsync(disabled ? AuditActions.UserDisabled : AuditActions.UserEnabled, userId, profile.Email);
        return session is null ? Problems.NotFound("사용자 (User)") : TypedResults.Ok(new StatusResponse(userId, profile.Email, session.Disabled));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string userId, HttpContext context,
        [FromServices] IClusterClient grains, [FromServices] AccountSessions sessions)
    {
        if (userId == context.User.Id())
            return Problems.BadRequest("자기 계정은 관리자 화면에서 삭제할 수 없습니다. (Delete your own account from your profile instead.)");
        if (await grains.GetGrain<IUserDirectoryGrain>("all").FindAsync(userId) is not { } profile) return Problems.NotFound("사용자 (User)");
        await grains.GetGrain<IAccountGrain>(profile.Email).DeleteAsync();
        sessions.Invalidate(profile.Email);
        await context.AuditAsync(AuditActions.UserDeleted, userId, profile.Email);
        return TypedResults.NoContent();
    }
}
