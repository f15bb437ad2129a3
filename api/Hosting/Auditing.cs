using System.Security.Claims;
using KnowledgeBase.Grains.Audit;

namespace KnowledgeBase.Api.Hosting;

/// <summary>Audit events from a request: the signed-in user (or the given actor) and the client's address.</summary>
public static class Auditing
{
    /// <summary>Records <paramref name="action"/> for the request's user; <paramref name="actorId"/> and
    /// <paramref name="actorEmail"/> name the actor where the request has no signed-in user yet (sign-in, sign-up).</summary>
    public static Task AuditAsync(this HttpContext context, string action, string target = "", string detail = "",
        string? actorId = null, string? actorEmail = null)
    {
        var user = context.User;
        var auditEvent = new AuditEvent(
            actorId ?? user.FindFirstValue(UserClaims.UserId) ?? AuditActions.Anonymous,
            actorEmail ?? user.FindFirstValue(UserClaims.Email) ?? "",
            ClientAddresses.Of(context), action, target, detail);
        return context.RequestServices.GetRequiredService<IAuditLog>().RecordAsync(auditEvent);
    }
}
