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

    /// <summary>Signs in a person the identity provider vouched for, creating the account on first sign-in. An
    /// account already linked to another subject of the same issuer (the address was given to someone else there) is
    /// refused rather than handed over.</summary>
    [Alias("SignInExternal")]
    Task<ExternalSignInResult> SignInExternalAsync(ExternalIdentity identity);
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
