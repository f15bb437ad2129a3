namespace KnowledgeBase.Api.Hosting;

/// <summary>Applies the groups the identity provider lists for a person (OIDC_GROUP_CLAIM) to the product's own groups
/// at every company-account sign-in. The hook the permissions model plugs into; without groups it records nothing.</summary>
public interface ISsoGroupMapper
{
    Task ApplyAsync(UserProfile profile, IReadOnlyList<string> providerGroups, CancellationToken cancellationToken);
}

/// <summary>Used while the product has no groups: the provider's groups are read and ignored.</summary>
public sealed class NoSsoGroups : ISsoGroupMapper
{
    public Task ApplyAsync(UserProfile profile, IReadOnlyList<string> providerGroups, CancellationToken cancellationToken) => Task.CompletedTask;
}
