using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace KnowledgeBase.Grains;

public sealed record PermissionsState
{
    public long Version { get; set; }
    public Dictionary<string, GroupInfo> Groups { get; init; } = new(StringComparer.Ordinal);
    public Dictionary<string, CollectionInfo> Collections { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Roles set by an admin, by user id; a user not listed has the role their account was created with.</summary>
    public Dictionary<string, string> Roles { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>The one authority for groups, collections and admin-set roles (key "all"). Every change is stored, then
/// pushed to each silo's and api's <see cref="Permissions.PermissionCache"/> before the call returns (each cache also
/// asks for the version twice a second in case a push was lost), so a change is in force everywhere within a second.</summary>
public sealed class PermissionsGrain(
    [PersistentState("permissions", "kb")] IPersistentState<PermissionsState> state,
    TimeProvider clock,
    ILogger<PermissionsGrain> logger) : Grain, IPermissionsGrain
{
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(2);
    private readonly ObserverManager<IClusterChangeObserver> _observers = new(TimeSpan.FromMinutes(2), logger);
    private PermissionSnapshot? _snapshot;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The default collection always exists; installations from before collections get it here, readable by everyone.
        state.State.Collections.TryAdd(DefaultCollection.Id, new CollectionInfo(DefaultCollection.Id, DefaultCollection.Name,
            AccessList.All, AccessList.Nobody, DateTimeOffset.UnixEpoch));
        return Task.CompletedTask;
    }

    public Task<PermissionSnapshot> GetSnapshotAsync() => Task.FromResult(Snapshot);

    public Task<long> GetVersionAsync() => Task.FromResult(state.State.Version);

    private PermissionSnapshot Snapshot => _snapshot ??= new PermissionSnapshot(state.State.Version,
        state.State.Collections.Values.OrderBy(c => c.CreatedAt).ThenBy(c => c.Name, StringComparer.Ordinal).ToList(),
        state.State.Groups.Values.OrderBy(g => g.Name, StringComparer.Ordinal).ToList(),
        new Dictionary<string, string>(state.State.Roles, StringComparer.Ordinal));

    public async Task<GroupInfo> CreateGroupAsync(string name, string? externalId)
    {
        var group = new GroupInfo(NewId("grp_"), name, [], externalId);
        state.State.Groups[group.GroupId] = group;
        await CommitAsync();
        return group;
    }

    public async Task<GroupInfo?> UpdateGroupAsync(string groupId, string? name, string? externalId)
    {
        if (!state.State.Groups.TryGetValue(groupId, out var group)) return null;
        group = group with { Name = name ?? group.Name, ExternalId = externalId ?? group.ExternalId };
        state.State.Groups[groupId] = group;
        await CommitAsync();
        return group;
    }

    public async Task<bool> DeleteGroupAsync(string groupId)
    {
        if (!state.State.Groups.Remove(groupId)) return false;
        // A deleted group grants nothing, and its id leaves every list, so a later group can never inherit its grants.
        foreach (var c in state.State.Collections.Values.ToList())
            state.State.Collections[c.CollectionId] = c with { Readers = Without(c.Readers, groupId), Editors = Without(c.Editors, groupId) };
        await CommitAsync();
        return true;
    }

    private static AccessList Without(AccessList list, string groupId)
        => list.Groups.Contains(groupId) ? list with { Groups = list.Groups.Where(g => g != groupId).ToList() } : list;

    public async Task<GroupInfo?> SetGroupMembersAsync(string groupId, IReadOnlyList<string> userIds)
    {
        if (!state.State.Groups.TryGetValue(groupId, out var group)) return null;
        group = group with { Members = userIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() };
        state.State.Groups[groupId] = group;
        await CommitAsync();
        return group;
    }

    public async Task<IReadOnlyList<GroupInfo>> SyncExternalGroupsAsync(string userId, IReadOnlyList<string> groupClaims)
    {
        var claims = groupClaims.ToHashSet(StringComparer.Ordinal);
        var changed = false;
        foreach (var group in state.State.Groups.Values.Where(g => g.ExternalId is not null).ToList())
        {
            var member = group.Members.Contains(userId, StringComparer.Ordinal);
            var wanted = claims.Contains(group.ExternalId!);
            if (member == wanted) continue;
            state.State.Groups[group.GroupId] = group with
            {
                Members = wanted ? [.. group.Members, userId] : group.Members.Where(m => m != userId).ToList(),
            };
            changed = true;
        }
        if (changed) await CommitAsync();
        return state.State.Groups.Values.Where(g => g.Members.Contains(userId, StringComparer.Ordinal)).ToList();
    }

    public async Task<CollectionInfo> CreateCollectionAsync(string name, AccessList readers, AccessList editors)
    {
        var collection = new CollectionInfo(NewId("col_"), name, Known(readers), Known(editors), clock.GetUtcNow());
        state.State.Collections[collection.CollectionId] = collection;
        await CommitAsync();
        return collection;
    }

    public async Task<CollectionInfo?> UpdateCollectionAsync(string collectionId, string? name, AccessList? readers, AccessList? editors)
    {
        if (!state.State.Collections.TryGetValue(collectionId, out var collection)) return null;
        collection = collection with
        {
            Name = name ?? collection.Name,
            Readers = readers is null ? collection.Readers : Known(readers),
            Editors = editors is null ? collection.Editors : Known(editors),
        };
        state.State.Collections[collectionId] = collection;
        await CommitAsync();
        return collection;
    }

    /// <summary>Lists keep only groups that exist, so a list can never name a group created later under a reused id.</summary>
    private AccessList Known(AccessList list) => list with
    {
        Groups = list.Groups.Where(state.State.Groups.ContainsKey).Distinct(StringComparer.Ordinal).ToList(),
        Users = list.Users.Distinct(StringComparer.Ordinal).ToList(),
    };

    /// <summary>The caller checks that no document is left in the collection; the default collection stays.</summary>
    public async Task<bool> DeleteCollectionAsync(string collectionId)
    {
        if (collectionId == DefaultCollection.Id || !state.State.Collections.Remove(collectionId)) return false;
        await CommitAsync();
        return true;
    }

    public async Task SetRoleAsync(string userId, string role)
    {
        if (!Roles.IsKnown(role)) throw new ArgumentException($"Unknown role '{role}'.", nameof(role));
        if (state.State.Roles.TryGetValue(userId, out var current) && current == role) return;
        state.State.Roles[userId] = role;
        await CommitAsync();
    }

    public Task SubscribeAsync(IClusterChangeObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IClusterChangeObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task PublishCorpusChangedAsync(CorpusChange change) => PushAsync(o => o.OnCorpusChanged(change));

    private async Task CommitAsync()
    {
        state.State.Version++;
        await state.WriteStateAsync();
        _snapshot = null;
        var snapshot = Snapshot;
        await PushAsync(o => o.OnPermissionsChanged(snapshot));
    }

    /// <summary>Pushes to every observer at once and waits, bounded: a silo that died must not hold an admin's change up.
    /// An observer that fails is dropped; it subscribes again and catches up by asking for the version meanwhile.</summary>
    private async Task PushAsync(Func<IClusterChangeObserver, Task> notification)
    {
        var observers = _observers.Observers.Values.ToList();
        var pushed = Task.WhenAll(observers.Select(async observer =>
        {
            try { await notification(observer); }
            catch (Exception ex)
            {
                logger.LogInformation("Dropping an observer that failed a push: {Error}", ex.GetType().Name);
                _observers.Unsubscribe(observer);
            }
        }));
        if (await Task.WhenAny(pushed, Task.Delay(PushTimeout)) != pushed)
            logger.LogWarning("A change was not acknowledged by every observer within {Timeout}", PushTimeout);
    }

    private static string NewId(string prefix) => prefix + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..12];
}
