namespace KnowledgeBase.Contracts;

/// <summary>The collection (문서함) every document belongs to unless put elsewhere: readable by everyone, so an
/// installation that has never set permissions behaves as before they existed.</summary>
public static class DefaultCollection
{
    public const string Id = "col_default";
    public const string Name = "전사 공용";

    public static string Of(string? collectionId) => string.IsNullOrEmpty(collectionId) ? Id : collectionId;
}

/// <summary>Who a list grants: everyone, or the listed groups and users.</summary>
[GenerateSerializer, Immutable, Alias("kb.AccessList")]
public sealed record AccessList(
    [property: Id(0)] bool Everyone,
    [property: Id(1)] IReadOnlyList<string> Groups,
    [property: Id(2)] IReadOnlyList<string> Users)
{
    public static AccessList Nobody { get; } = new(false, [], []);
    public static AccessList All { get; } = new(true, [], []);
}

/// <summary>A collection (문서함): its read list and its edit list.</summary>
[GenerateSerializer, Immutable, Alias("kb.CollectionInfo")]
public sealed record CollectionInfo(
    [property: Id(0)] string CollectionId,
    [property: Id(1)] string Name,
    [property: Id(2)] AccessList Readers,
    [property: Id(3)] AccessList Editors,
    [property: Id(4)] DateTimeOffset CreatedAt);

/// <summary>A group of users (a department, a team). <paramref name="ExternalId"/> is the identity provider's group
/// claim value mapped onto it (the name when null).</summary>
[GenerateSerializer, Immutable, Alias("kb.GroupInfo")]
public sealed record GroupInfo(
    [property: Id(0)] string GroupId,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<string> Members,
    [property: Id(3)] string? ExternalId);

/// <summary>Everything permission checks need, at one version: collections, groups and the roles admins set.</summary>
[GenerateSerializer, Immutable, Alias("kb.PermissionSnapshot")]
public sealed record PermissionSnapshot(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<CollectionInfo> Collections,
    [property: Id(2)] IReadOnlyList<GroupInfo> Groups,
    [property: Id(3)] IReadOnlyDictionary<string, string> Roles);

/// <summary>Who is asking: the user and the role their token carries (an admin's later change overrides it).</summary>
[GenerateSerializer, Immutable, Alias("kb.Caller")]
public sealed record Caller(
    [property: Id(0)] string UserId,
    [property: Id(1)] string Role);
