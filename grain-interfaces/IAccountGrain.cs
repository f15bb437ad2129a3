namespace KnowledgeBase.Contracts;

/// <summary>A sign-in identity keyed by the normalised (lower-case) e-mail: password hash, role, login throttling.</summary>
[Alias("kb.IAccountGrain")]
public interface IAccountGrain : IGrainWithStringKey
{
    [Alias("Register")]
    Task<RegisterResult> RegisterAsync(NewAccount account);

    [Alias("Login")]
    Task<LoginResult> LoginAsync(string password);

    [Alias("GetProfile")]
    Task<UserProfile?> GetProfileAsync();
}

/// <summary>The directory of all users (single activation, key "all"), for admin listings.</summary>
[Alias("kb.IUserDirectoryGrain")]
public interface IUserDirectoryGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task AddAsync(UserProfile profile);

    [Alias("List")]
    Task<IReadOnlyList<UserProfile>> ListAsync();
}
