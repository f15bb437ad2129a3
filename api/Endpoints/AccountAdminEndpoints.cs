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
public sealed record UserEntry(string UserId, string Email, string DisplayName, string Role, DateTimeOffset CreatedAt);
public sealed record UserList(IReadOnlyList<UserEntry> Items, int Total, int Skip, int Take);
public sealed record StatusResponse(string UserId, string Email, bool Disabled);

/// <summary>Admins invite people, disable and delete accounts. Every change ends the user's sessions on their next request.</summary>
public static class AccountAdminEndpoints
{
    public static RouteGroupBuilder MapAccountAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/users", ListUsersAsync);
        admin.MapPost("/invites", InviteAsync);
        admin.MapPut("/users/{userId}/status", SetStatusAsync);
        admin.MapDelete("/users/{userId}", DeleteAsync);
        return admin;
    }

    private const int MaxUsersPerPage = 200;
    private const int MaxPrefixLength = 100;

    /// <summary>Users for the console's tables and pickers, from the user directory (no session is activated): `q` is a
    /// prefix of the e-mail or name, `ids` (comma-separated) names users to show whatever `q` says.</summary>
    private static async Task<Results<Ok<UserList>, ProblemHttpResult>> ListUsersAsync([FromServices] IClusterClient grains,
        string? q = null, string? ids = null, int skip = 0, int take = 50)
    {
        if (q is { Length: > MaxPrefixLength }) return Problems.BadRequest(ErrorCodes.SearchLength, $"q: at most {MaxPrefixLength} characters.");
        if (skip < 0 || take is < 1 or > MaxUsersPerPage)
            return Problems.BadRequest(ErrorCodes.LimitRange, $"skip must be 0 or more and take 1 to {MaxUsersPerPage}.").With("max", MaxUsersPerPage);
        var userIds = ids?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (userIds is { Length: > MaxUsersPerPage }) return Problems.BadRequest(ErrorCodes.ListTooLong, $"ids: at most {MaxUsersPerPage}.").With("max", MaxUsersPerPage);
        var page = await grains.GetGrain<IUserDirectoryGrain>("all").QueryAsync(new UserQuery(q, skip, take, userIds));
        return TypedResults.Ok(new UserList(page.Items.Select(u => new UserEntry(u.UserId, u.Email, u.DisplayName, Roles.Normalize(u.Role), u.CreatedAt)).ToList(),
            page.Total, skip, take));
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
            return Problems.BadRequest(ErrorCodes.RoleInvalid, "role must be admin, editor or member.");
        if (settings.AdminEmails.Contains(email)) role = Roles.Admin;

        var token = Tokens.New(email);
        var result = await grains.GetGrain<IAccountGrain>(email).InviteAsync(new NewAccount(email, "", "", role, Tokens.Hash(token),
            clock.GetUtcNow() + AccountLinks.InvitationLifetime));
        if (result.Status == RegisterStatus.AlreadyExists)
            return Problems.Create(409, ErrorCodes.EmailTaken, "This e-mail is already registered.");
        await links.SendInvitationAsync(context, email, token);
        await context.AuditAsync(AuditActions.UserInvited, email, $"role={role}");
        var mailed = mailer is SmtpAccountMailer;
        return TypedResults.Accepted((string?)null, new InviteResponse(email, role, mailed, mailed ? null : links.Link(context, "invite", token)));
    }

    private static async Task<Results<Ok<StatusResponse>, ProblemHttpResult>> SetStatusAsync(string userId, StatusRequest request, HttpContext context,
        [FromServices] IClusterClient grains, [FromServices] AccountSessions sessions)
    {
        if (request.Disabled is not { } disabled) return Problems.BadRequest(ErrorCodes.DisabledInvalid, "disabled must be true or false.");
        if (disabled && userId == context.User.Id())
            return Problems.BadRequest(ErrorCodes.OwnAccount, "You cannot disable your own account.");
        if (await grains.GetGrain<IUserDirectoryGrain>("all").FindAsync(userId) is not { } profile) return Problems.NotFound(ErrorCodes.UserNotFound, "User");
        var session = await grains.GetGrain<IAccountGrain>(profile.Email).SetDisabledAsync(disabled);
        sessions.Invalidate(profile.Email);
        if (session is not null) await context.AuditAsync(disabled ? AuditActions.UserDisabled : AuditActions.UserEnabled, userId, profile.Email);
        return session is null ? Problems.NotFound(ErrorCodes.UserNotFound, "User") : TypedResults.Ok(new StatusResponse(userId, profile.Email, session.Disabled));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string userId, HttpContext context,
        [FromServices] IClusterClient grains, [FromServices] AccountSessions sessions)
    {
        if (userId == context.User.Id())
            return Problems.BadRequest(ErrorCodes.OwnAccount, "Delete your own account from your profile instead.");
        if (await grains.GetGrain<IUserDirectoryGrain>("all").FindAsync(userId) is not { } profile) return Problems.NotFound(ErrorCodes.UserNotFound, "User");
        await grains.GetGrain<IAccountGrain>(profile.Email).DeleteAsync();
        sessions.Invalidate(profile.Email);
        await context.AuditAsync(AuditActions.UserDeleted, userId, profile.Email);
        return TypedResults.NoContent();
    }
}
