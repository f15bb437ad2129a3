namespace KnowledgeBase.Grains.Permissions;

/// <summary>Who may upload: only editors (and admins) on the edit list of a collection, or every signed-in user
/// (UPLOAD_POLICY=editors|everyone).</summary>
public enum UploadPolicy { Editors, Everyone }

public sealed class PermissionOptions
{
    public UploadPolicy UploadPolicy { get; set; } = UploadPolicy.Editors;

    /// <summary>How often a silo asks for the permission version in case a pushed change was lost.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>What one user may do, worked out from one permission snapshot. Reading is granted by a collection's read
/// list (everyone, a group the user is in, or the user), or by its edit list; editing by the edit list, to
/// editors (and, with UPLOAD_POLICY=everyone, to members too); admins may do everything.</summary>
public sealed class Access
{
    private readonly HashSet<string> _readable = new(StringComparer.Ordinal);
    private readonly HashSet<string> _editable = new(StringComparer.Ordinal);
    private readonly HashSet<string> _public = new(StringComparer.Ordinal);

    public Access(PermissionSnapshot snapshot, string userId, string tokenRole, UploadPolicy policy)
    {
        UserId = userId;
        Role = snapshot.Roles.TryGetValue(userId, out var set) ? set : Roles.Normalize(tokenRole);
        Version = snapshot.Version;
        Policy = policy;
        var groups = snapshot.Groups.Where(g => g.Members.Contains(userId, StringComparer.Ordinal)).Select(g => g.GroupId).ToHashSet(StringComparer.Ordinal);
        Groups = groups;
        bool Listed(AccessList list) => list.Everyone || list.Users.Contains(userId, StringComparer.Ordinal) || list.Groups.Any(groups.Contains);
        var mayEdit = IsAdmin || Role == Roles.Editor || policy == UploadPolicy.Everyone;
        foreach (var c in snapshot.Collections)
        {
            if (c.Readers.Everyone) _public.Add(c.CollectionId);
            var edit = IsAdmin || mayEdit && Listed(c.Editors);
            if (edit) _editable.Add(c.CollectionId);
            if (edit || Listed(c.Readers) || Listed(c.Editors)) _readable.Add(c.CollectionId);
        }
        // Null when every collection is readable: retrieval then needs no filter at all.
        Readable = IsAdmin || _readable.Count == snapshot.Collections.Count ? null : _readable.Order(StringComparer.Ordinal).ToList();
    }

    public string UserId { get; }
    public string Role { get; }
    public long Version { get; }
    public UploadPolicy Policy { get; }
    public IReadOnlySet<string> Groups { get; }
    public bool IsAdmin => Role == Roles.Admin;

    /// <summary>The collections this user may read, for retrieval's filter; null when that is all of them.</summary>
    public IReadOnlyList<string>? Readable { get; }

    public bool CanRead(string? collectionId) => IsAdmin || _readable.Contains(DefaultCollection.Of(collectionId));

    public bool CanEdit(string? collectionId) => IsAdmin || _editable.Contains(DefaultCollection.Of(collectionId));

    /// <summary>Whether a collection is readable by everyone (documents and sources elsewhere carry a lock badge).</summary>
    public bool IsPublic(string? collectionId) => _public.Contains(DefaultCollection.Of(collectionId));

    /// <summary>Uploading into a collection: its editors; with UPLOAD_POLICY=everyone also anyone who may read it.</summary>
    public bool CanUploadInto(string? collectionId)
        => CanEdit(collectionId) || Policy == UploadPolicy.Everyone && CanRead(collectionId);

    /// <summary>Replacing, reindexing, deleting or moving a document: the collection's editors; with
    /// UPLOAD_POLICY=everyone also its uploader while they may still read it.</summary>
    public bool CanChange(DocumentInfo document)
        => CanEdit(document.Collection) || Policy == UploadPolicy.Everyone && document.UploadedBy == UserId && CanRead(document.Collection);
}
