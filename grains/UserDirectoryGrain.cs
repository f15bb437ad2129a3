using KnowledgeBase.Grains.Accounts;

namespace KnowledgeBase.Grains;

public sealed record UserDirectoryState
{
    /// <summary>The layout of this record; a later release that changes it migrates from this number on purpose.</summary>
    public int SchemaVersion { get; set; } = 1;

    public Dictionary<string, UserProfile> Users { get; init; } = new();
}

/// <summary>Every registered user, for the admin console. One activation; written when an account is created or deleted.</summary>
public sealed class UserDirectoryGrain(
    [PersistentState("directory", "kb")] IPersistentState<UserDirectoryState> state) : Grain, IUserDirectoryGrain
{
    public async Task AddAsync(UserProfile profile)
    {
        state.State.Users[profile.UserId] = profile;
        await state.WriteStateAsync();
    }

    public Task<UserProfile?> FindAsync(string userId) => Task.FromResult(state.State.Users.GetValueOrDefault(userId));

    public async Task RemoveAsync(string userId)
    {
        if (state.State.Users.Remove(userId)) await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<UserProfile>> ListAsync()
        => Task.FromResult<IReadOnlyList<UserProfile>>(state.State.Users.Values.OrderBy(u => u.CreatedAt).ToList());
}
