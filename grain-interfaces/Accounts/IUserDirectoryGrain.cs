namespace KnowledgeBase.Contracts;

/// <summary>The directory of all users (single activation, key "all"), for admin listings.</summary>
[Alias("kb.IUserDirectoryGrain")]
public interface IUserDirectoryGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task AddAsync(UserProfile profile);

    /// <summary>Adds many users in one write (an import, or a benchmark's population).</summary>
    [Alias("AddMany")]
    Task AddManyAsync(IReadOnlyList<UserProfile> profiles);

    [Alias("List")]
    Task<IReadOnlyList<UserProfile>> ListAsync();

    /// <summary>A page of users, the highest spenders of the day ledger <paramref name="dayLedger"/> first, then by
    /// e-mail address.</summary>
    [Alias("PageBySpend")]
    Task<UserPage> PageBySpendAsync(string dayLedger, int offset, int limit);

    [Alias("Find")]
    Task<UserProfile?> FindAsync(string userId);

    [Alias("Remove")]
    Task RemoveAsync(string userId);
}
