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

    /// <summary>A page of users (by name, then e-mail) whose e-mail or display name starts with the query's prefix
    /// (case-insensitive), or the users with the given ids; no user's session is touched.</summary>
    [AlwaysInterleave, Alias("Query")]
    Task<UserPage> QueryAsync(UserQuery query);

    [Alias("Find")]
    Task<UserProfile?> FindAsync(string userId);

    [Alias("Remove")]
    Task RemoveAsync(string userId);
}

/// <summary><see cref="Prefix"/> filters e-mail and display name; <see cref="UserIds"/>, when given, picks those users
/// instead (the pickers name the users already chosen).</summary>
[GenerateSerializer, Immutable, Alias("kb.UserQuery")]
public sealed record UserQuery(
    [property: Id(0)] string? Prefix,
    [property: Id(1)] int Skip,
    [property: Id(2)] int Take,
    [property: Id(3)] IReadOnlyList<string>? UserIds = null);

[GenerateSerializer, Immutable, Alias("kb.UserPage")]
public sealed record UserPage(
    [property: Id(0)] IReadOnlyList<UserProfile> Items,
    [property: Id(1)] int Total);
