namespace KnowledgeBase.Api.Hosting;

/// <summary>Applies the groups the identity provider lists for a person (OIDC_GROUP_CLAIM) to the product's own groups
/// at every company-account sign-in.</summary>
public interface ISsoGroupMapper
{
    Task ApplyAsync(UserProfile profile, IReadOnlyList<string> providerGroups, CancellationToken cancellationToken);
}

/// <summary>Makes the person a member of exactly the product groups whose external id the provider listed;
/// groups an admin manages by hand (no external id) are left alone.</summary>
public sealed class PermissionGroupMapper(IClusterClient grains) : ISsoGroupMapper
{
    public Task ApplyAsync(UserProfile profile, IReadOnlyList<string> providerGroups, CancellationToken cancellationToken)
        => grains.GetGrain<IPermissionsGrain>("all").SyncExternalGroupsAsync(profile.UserId, providerGroups);
}
