namespace KnowledgeBase.Contracts;

/// <summary>Groups, collections and role changes (single activation, key "all"). Every change is pushed to the
/// subscribed observers before the call returns.</summary>
[Alias("kb.IPermissionsGrain")]
public interface IPermissionsGrain : IGrainWithStringKey
{
    [AlwaysInterleave, Alias("Snapshot")]
    Task<PermissionSnapshot> GetSnapshotAsync();

    [AlwaysInterleave, Alias("Version")]
    Task<long> GetVersionAsync();

    [Alias("CreateGroup")]
    Task<GroupInfo> CreateGroupAsync(string name, string? externalId);

    [Alias("UpdateGroup")]
    Task<GroupInfo?> UpdateGroupAsync(string groupId, string? name, string? externalId);

    [Alias("DeleteGroup")]
    Task<bool> DeleteGroupAsync(string groupId);

    [Alias("SetGroupMembers")]
    Task<GroupInfo?> SetGroupMembersAsync(string groupId, IReadOnlyList<string> userIds);

    /// <summary>The identity provider's hook: makes the user a member of exactly the groups whose external id (or name)
    /// is among <paramref name="groupClaims"/>, among the groups that have an external id. Groups without one are
    /// managed by hand and left alone. Returns the user's groups afterwards.</summary>
    [Alias("SyncExternalGroups")]
    Task<IReadOnlyList<GroupInfo>> SyncExternalGroupsAsync(string userId, IReadOnlyList<string> groupClaims);

    [Alias("CreateCollection")]
    Task<CollectionInfo> CreateCollectionAsync(string name, AccessList readers, AccessList editors);

    [Alias("UpdateCollection")]
    Task<CollectionInfo?> UpdateCollectionAsync(string collectionId, string? name, AccessList? readers, AccessList? editors);

    [Alias("DeleteCollection")]
    Task<bool> DeleteCollectionAsync(string collectionId);

    [Alias("SetRole")]
    Task SetRoleAsync(string userId, string role);

    [Alias("Subscribe")]
    Task SubscribeAsync(IClusterChangeObserver observer);

    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IClusterChangeObserver observer);

    /// <summary>Pushes a corpus change (a document indexed, moved or deleted) to every observer.</summary>
    [AlwaysInterleave, Alias("PublishCorpus")]
    Task PublishCorpusChangedAsync(CorpusChange change);
}
