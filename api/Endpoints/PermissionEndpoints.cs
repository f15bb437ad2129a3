using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Audit;
using KnowledgeBase.Grains.Permissions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KnowledgeBase.Api.Endpoints;

public sealed record GroupBody(string? Name, string? ExternalId);
public sealed record MembersBody(IReadOnlyList<string>? UserIds);
public sealed record RoleBody(string? Role);
public sealed record RoleView(string UserId, string Role);
public sealed record ListBody(bool? Everyone, IReadOnlyList<string>? Groups, IReadOnlyList<string>? Users);
public sealed record CollectionBody(string? Name, ListBody? Readers, ListBody? Editors);
public sealed record MoveBody(string? CollectionId);
public sealed record AccessListView(bool Everyone, IReadOnlyList<string> Groups, IReadOnlyList<string> Users);
public sealed record CollectionView(string CollectionId, string Name, bool IsDefault, bool Restricted, bool CanEdit, bool CanUpload,
    int DocumentCount, AccessListView? Readers, AccessListView? Editors);

/// <summary>Groups and roles (admins) and collections (문서함: everyone sees the ones they may read; admins manage them).</summary>
public static class PermissionEndpoints
{
    private const int MaxNameLength = 100;
    private const int MaxListEntries = 1000;

    public static IEndpointRouteBuilder MapPermissionEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").RequireAuthorization("admin").WithTags("admin");
        admin.MapGet("/groups", ListGroupsAsync);
        admin.MapPost("/groups", CreateGroupAsync);
        admin.MapPatch("/groups/{groupId}", UpdateGroupAsync);
        admin.MapDelete("/groups/{groupId}", DeleteGroupAsync);
        admin.MapPut("/groups/{groupId}/members", SetMembersAsync);
        admin.MapPut("/users/{userId}/role", SetRoleAsync);

        var collections = app.MapGroup("/api/collections").RequireAuthorization().WithTags("collections");
        collections.MapGet("/", ListCollectionsAsync);
        collections.MapGet("/{id}", GetCollectionAsync);
        collections.MapPost("/", CreateCollectionAsync).RequireAuthorization("admin");
        collections.MapPatch("/{id}", UpdateCollectionAsync).RequireAuthorization("admin");
        collections.MapDelete("/{id}", DeleteCollectionAsync).RequireAuthorization("admin");
        return app;
    }

    private static IPermissionsGrain Permissions(IClusterClient grains) => grains.GetGrain<IPermissionsGrain>("all");

    private static async Task<Ok<IReadOnlyList<GroupInfo>>> ListGroupsAsync([FromServices] PermissionCache cache)
        => TypedResults.Ok((await cache.RefreshAsync()).Groups);

    private static async Task<Results<Created<GroupInfo>, ProblemHttpResult>> CreateGroupAsync(GroupBody body, HttpContext context,
        [FromServices] IClusterClient grains, [FromServices] PermissionCache cache)
    {
        if (Name(body.Name) is not { } name) return NameProblem();
        var snapshot = await cache.RefreshAsync();
        if (snapshot.Groups.Any(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase)))
            return Problems.Create(409, ErrorCodes.GroupExists, "A group with this name exists.");
        var group = await Permissions(grains).CreateGroupAsync(name, ExternalId(body.ExternalId));
        await context.AuditAsync(AuditActions.GroupCreated, group.GroupId, $"name={name}");
        return TypedResults.Created($"/api/admin/groups/{group.GroupId}", group);
    }

    private static async Task<Results<Ok<GroupInfo>, ProblemHttpResult>> UpdateGroupAsync(string groupId, GroupBody body, HttpContext context,
        [FromServices] IClusterClient grains, [FromServices] PermissionCache cache)
    {
        string? name = null;
        if (body.Name is not null && (name = Name(body.Name)) is null) return NameProblem();
        var snapshot = await cache.RefreshAsync();
        if (name is not null && snapshot.Groups.Any(g => g.GroupId != groupId && string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase)))
            return Problems.Create(409, ErrorCodes.GroupExists, "A group with this name exists.");
        if (await Permissions(grains).UpdateGroupAsync(groupId, name, ExternalId(body.ExternalId)) is not { } group) return Problems.NotFound(ErrorCodes.GroupNotFound, "Group");
        await context.AuditAsync(AuditActions.GroupUpdated, groupId, $"name={group.Name} externalId={group.ExternalId}");
        return TypedResults.Ok(group);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteGroupAsync(string groupId, HttpContext context, [FromServices] IClusterClient grains)
    {
        if (!await Permissions(grains).DeleteGroupAsync(groupId)) return Problems.NotFound(ErrorCodes.GroupNotFound, "Group");
        await context.AuditAsync(AuditActions.GroupDeleted, groupId);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<GroupInfo>, ProblemHttpResult>> SetMembersAsync(string groupId, MembersBody body, HttpContext context,
        [FromServices] IClusterClient grains)
    {
        if (body.UserIds is null || body.UserIds.Count > MaxListEntries || body.UserIds.Any(string.IsNullOrWhiteSpace))
            return Problems.BadRequest(ErrorCodes.ListTooLong, $"userIds: a list of at most {MaxListEntries} user ids.").With("max", MaxListEntries);
        if (await UnknownUsersAsync(grains, body.UserIds) is { } unknown) return unknown;
        if (await Permissions(grains).SetGroupMembersAsync(groupId, body.UserIds) is not { } group) return Problems.NotFound(ErrorCodes.GroupNotFound, "Group");
        await context.AuditAsync(AuditActions.GroupMembersChanged, groupId, $"members={string.Join(",", group.Members)}");
        return TypedResults.Ok(group);
    }

    private static async Task<Results<Ok<RoleView>, ProblemHttpResult>> SetRoleAsync(string userId, RoleBody body, HttpContext context, [FromServices] IClusterClient grains,
        [FromServices] KnowledgeBase.Api.Accounts.AccountSessions sessions)
    {
        if (!Roles.IsKnown(body.Role))
            return Problems.BadRequest(ErrorCodes.RoleInvalid, "role must be admin, editor or member.");
        if (userId == context.User.Id() && body.Role != Roles.Admin)
            return Problems.Create(409, ErrorCodes.OwnRole, "You cannot demote yourself; ask another admin.");
        // The account holds the role; changing it ends the user's sessions: they sign in again with the new role.
        if (await grains.GetGrain<IUserDirectoryGrain>("all").FindAsync(userId) is not { } profile
            || await grains.GetGrain<IAccountGrain>(profile.Email).SetRoleAsync(body.Role!) is null)
            return Problems.NotFound(ErrorCodes.UserNotFound, "User");
        sessions.Invalidate(profile.Email);
        await context.AuditAsync(AuditActions.RoleChanged, userId, $"role={body.Role}");
        return TypedResults.Ok(new RoleView(userId, body.Role!));
    }

    private static async Task<Ok<IReadOnlyList<CollectionView>>> ListCollectionsAsync(HttpContext context, [FromServices] IClusterClient grains,
        [FromServices] PermissionCache cache)
    {
        var access = await cache.AccessAsync(context.User.Caller());
        var snapshot = await cache.SnapshotAsync();
        var counts = await grains.GetGrain<IDocumentCatalogGrain>("all").CountByCollectionAsync();
        return TypedResults.Ok<IReadOnlyList<CollectionView>>(snapshot.Collections.Where(c => access.CanRead(c.CollectionId))
            .Select(c => View(c, access, counts)).ToList());
    }

    private static async Task<Results<Ok<CollectionView>, ProblemHttpResult>> GetCollectionAsync(string id, HttpContext context,
        [FromServices] IClusterClient grains, [FromServices] PermissionCache cache)
    {
        var access = await cache.AccessAsync(context.User.Caller());
        var collection = (await cache.SnapshotAsync()).Collections.FirstOrDefault(c => c.CollectionId == id);
        if (collection is null || !access.CanRead(id)) return Problems.NotFound(ErrorCodes.CollectionNotFound, "Collection");
        return TypedResults.Ok(View(collection, access, await grains.GetGrain<IDocumentCatalogGrain>("all").CountByCollectionAsync()));
    }

    private static async Task<Results<Created<CollectionView>, ProblemHttpResult>> CreateCollectionAsync(CollectionBody body, HttpContext context,
        [FromServices] IClusterClient grains, [FromServices] PermissionCache cache)
    {
        if (Name(body.Name) is not { } name) return NameProblem();
        var snapshot = await cache.RefreshAsync();
        if (snapshot.Collections.Any(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)))
            return Problems.Create(409, ErrorCodes.CollectionExists, "A collection with this name exists.");
        var (readers, editors, problem) = await ListsAsync(body, grains, snapshot, AccessList.Nobody, AccessList.Nobody);
        if (problem is not null) return problem;
        var collection = await Permissions(grains).CreateCollectionAsync(name, readers!, editors!);
        await context.AuditAsync(AuditActions.CollectionCreated, collection.CollectionId, $"name={name} {Describe(collection)}");
        var access = await cache.AccessAsync(context.User.Caller());
        return TypedResults.Created($"/api/collections/{collection.CollectionId}", View(collection, access, new Dictionary<string, int>()));
    }

    private static async Task<Results<Ok<CollectionView>, ProblemHttpResult>> UpdateCollectionAsync(string id, CollectionBody body, HttpContext context,
        [FromServices] IClusterClient grains, [FromServices] PermissionCache cache)
    {
        string? name = null;
        if (body.Name is not null && (name = Name(body.Name)) is null) return NameProblem();
        var snapshot = await cache.RefreshAsync();
        var current = snapshot.Collections.FirstOrDefault(c => c.CollectionId == id);
        if (current is null) return Problems.NotFound(ErrorCodes.CollectionNotFound, "Collection");
        if (name is not null && snapshot.Collections.Any(c => c.CollectionId != id && string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)))
            return Problems.Create(409, ErrorCodes.CollectionExists, "A collection with this name exists.");
        var (readers, editors, problem) = await ListsAsync(body, grains, snapshot, current.Readers, current.Editors);
        if (problem is not null) return problem;
        var updated = await Permissions(grains).UpdateCollectionAsync(id, name, readers, editors);
        if (updated is null) return Problems.NotFound(ErrorCodes.CollectionNotFound, "Collection");
        await context.AuditAsync(AuditActions.CollectionUpdated, id, $"name={updated.Name} {Describe(updated)}");
        var access = await cache.AccessAsync(context.User.Caller());
        return TypedResults.Ok(View(updated, access, await grains.GetGrain<IDocumentCatalogGrain>("all").CountByCollectionAsync()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteCollectionAsync(string id, HttpContext context, [FromServices] IClusterClient grains)
    {
        if (id == DefaultCollection.Id)
            return Problems.Create(409, ErrorCodes.DefaultCollection, "The default collection cannot be deleted.");
        var counts = await grains.GetGrain<IDocumentCatalogGrain>("all").CountByCollectionAsync();
        if (counts.GetValueOrDefault(id) > 0)
            return Problems.Create(409, ErrorCodes.CollectionNotEmpty, "Move or delete its documents first.");
        if (!await Permissions(grains).DeleteCollectionAsync(id)) return Problems.NotFound(ErrorCodes.CollectionNotFound, "Collection");
        await context.AuditAsync(AuditActions.CollectionDeleted, id);
        return TypedResults.NoContent();
    }

    /// <summary>Lists and their defaults when not given; unknown groups and users are refused by name.</summary>
    private static async Task<(AccessList? Readers, AccessList? Editors, ProblemHttpResult? Problem)> ListsAsync(CollectionBody body, IClusterClient grains,
        PermissionSnapshot snapshot, AccessList readersDefault, AccessList editorsDefault)
    {
        // Editing is granted to named groups and users only; "everyone" on the edit list would hand every editor
        // (every user under UPLOAD_POLICY=everyone) every collection.
        if (body.Editors?.Everyone == true)
            return (null, null, Problems.BadRequest(ErrorCodes.EditorsEveryone, "editors: name groups or users; 'everyone' is for readers only."));
        static AccessList? List(ListBody? given) => given is null ? null
            : new AccessList(given.Everyone == true, given.Groups ?? [], given.Users ?? []);
        var readers = List(body.Readers);
        var editors = List(body.Editors);
        foreach (var list in new[] { readers, editors }.OfType<AccessList>())
        {
            if (list.Groups.Concat(list.Users).Any(string.IsNullOrWhiteSpace))
                return (null, null, Problems.BadRequest(ErrorCodes.ListEntryEmpty, "groups and users: ids, none empty."));
            if (list.Groups.Count + list.Users.Count > MaxListEntries)
                return (null, null, Problems.BadRequest(ErrorCodes.ListTooLong, $"At most {MaxListEntries} entries per list.").With("max", MaxListEntries));
            var unknownGroup = list.Groups.FirstOrDefault(g => snapshot.Groups.All(known => known.GroupId != g));
            if (unknownGroup is not null)
                return (null, null, Problems.BadRequest(ErrorCodes.UnknownGroup, $"Unknown group: {unknownGroup}"));
            if (await UnknownUsersAsync(grains, list.Users) is { } unknown) return (null, null, unknown);
        }
        return (readers ?? readersDefault, editors ?? editorsDefault, null);
    }

    private static async Task<ProblemHttpResult?> UnknownUsersAsync(IClusterClient grains, IReadOnlyList<string> userIds)
    {
        if (userIds.Count == 0) return null;
        var known = (await grains.GetGrain<IUserDirectoryGrain>("all").ListAsync()).Select(u => u.UserId).ToHashSet(StringComparer.Ordinal);
        var unknown = userIds.FirstOrDefault(u => !known.Contains(u));
        return unknown is null ? null : Problems.BadRequest(ErrorCodes.UserNotFound, $"Unknown user: {unknown}");
    }

    private static CollectionView View(CollectionInfo c, Access access, IReadOnlyDictionary<string, int> counts)
    {
        // The lists say who belongs to what: shown to admins and to the collection's editors only.
        var showLists = access.IsAdmin || access.CanEdit(c.CollectionId);
        return new CollectionView(c.CollectionId, c.Name, c.CollectionId == DefaultCollection.Id, !c.Readers.Everyone, access.CanEdit(c.CollectionId),
            access.CanUploadInto(c.CollectionId), counts.GetValueOrDefault(c.CollectionId),
            showLists ? ListView(c.Readers) : null, showLists ? ListView(c.Editors) : null);
    }

    private static string Describe(CollectionInfo c)
        => $"readers=everyone:{c.Readers.Everyone},groups:{string.Join("|", c.Readers.Groups)},users:{string.Join("|", c.Readers.Users)} "
            + $"editors=everyone:{c.Editors.Everyone},groups:{string.Join("|", c.Editors.Groups)},users:{string.Join("|", c.Editors.Users)}";

    private static AccessListView ListView(AccessList list) => new(list.Everyone, list.Groups, list.Users);

    private static string? Name(string? raw) => raw?.Trim() is { Length: > 0 and <= MaxNameLength } name ? name : null;

    private static string? ExternalId(string? raw) => string.IsNullOrWhiteSpace(raw) ? null : raw.Trim();

    private static ProblemHttpResult NameProblem()
        => Problems.BadRequest(ErrorCodes.NameLength, $"name: 1 to {MaxNameLength} characters.").With("max", MaxNameLength);
}
