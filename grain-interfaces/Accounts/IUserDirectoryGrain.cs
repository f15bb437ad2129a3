namespace KnowledgeBase.Contracts;

/// <summary>The directory of all users (single activation, key "all"), for admin listings.</summary>
[Alias("kb.IUserDirectoryGrain")]
public interface IUserDirectoryGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task AddAsync(UserProfile profile);

    [Alias("List")]
    Task<IReadOnlyList<UserProfile>> ListAsync();

    [Alias("Find")]
    Task<UserProfile?> FindAsync(string userId);

    [Alias("Remove")]
    Task RemoveAsync(string userId);
}
