namespace KnowledgeBase.Contracts;

/// <summary>A person the company's identity provider vouched for (OpenID Connect): the issuer and its subject identify
/// them there; the e-mail (already checked against the domain rule) keys the account here.</summary>
[GenerateSerializer, Immutable, Alias("kb.ExternalIdentity")]
public sealed record ExternalIdentity(
    [property: Id(0)] string Issuer,
    [property: Id(1)] string Subject,
    [property: Id(2)] string Email,
    [property: Id(3)] string DisplayName,
    [property: Id(4)] string RoleForNewAccount,
    [property: Id(5)] bool MayCreateAccount = true);

[GenerateSerializer, Alias("kb.ExternalSignInStatus")]
public enum ExternalSignInStatus { SignedIn = 0, Created = 1, SubjectMismatch = 2, Refused = 3, Disabled = 4, NotInvited = 5 }

/// <summary>The outcome of a company-account sign-in: the account (created on first sign-in), or why not.</summary>
[GenerateSerializer, Immutable, Alias("kb.ExternalSignInResult")]
public sealed record ExternalSignInResult(
    [property: Id(0)] ExternalSignInStatus Status,
    [property: Id(1)] UserProfile? Profile);
