using System.Net;
using KnowledgeBase.Grains.Hosting;

namespace KnowledgeBase.Api.Hosting;

/// <summary>Company-account sign-in over OpenID Connect (authorization code + PKCE). Off unless OIDC_AUTHORITY is set.</summary>
public sealed class SsoOptions
{
    /// <summary>The provider's issuer URL (OIDC_AUTHORITY), e.g. https://login.microsoftonline.com/{tenant}/v2.0,
    /// https://accounts.google.com, https://keycloak.example.com/realms/company.</summary>
    public string? Authority { get; set; }

    /// <summary>OIDC_CLIENT_ID and OIDC_CLIENT_SECRET of this application at the provider (the secret may be empty for a
    /// public client: PKCE still protects the code).</summary>
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    /// <summary>OIDC_SCOPES, space- or comma-separated (default "openid profile email").</summary>
    public string[] Scopes { get; set; } = ["openid", "profile", "email"];

    /// <summary>OIDC_GROUP_CLAIM: the claim that lists the person's groups (default "groups"; Entra ID and Keycloak
    /// use "groups", Google Workspace sends none).</summary>
    public string GroupClaim { get; set; } = "groups";

    /// <summary>OIDC_DISPLAY_NAME: what the sign-in button names, when the company wants its own wording.</summary>
    public string? DisplayName { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    public static SsoOptions Load(IConfiguration config)
    {
        var options = new SsoOptions
        {
            Authority = Trimmed(config["OIDC_AUTHORITY"]),
            ClientId = Trimmed(config["OIDC_CLIENT_ID"]),
            ClientSecret = Trimmed(config["OIDC_CLIENT_SECRET"]),
            GroupClaim = Trimmed(config["OIDC_GROUP_CLAIM"]) ?? "groups",
            DisplayName = Trimmed(config["OIDC_DISPLAY_NAME"]),
        };
        if (Trimmed(config["OIDC_SCOPES"]) is { } scopes)
            options.Scopes = scopes.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        if (Validate(options) is { } error) throw new ConfigurationException(error);
        return options;
    }

    /// <summary>The first thing wrong with the settings, naming the variable; null when they are usable.</summary>
    public static string? Validate(SsoOptions o)
    {
        if (!o.Enabled)
            return o.ClientId is null && o.ClientSecret is null ? null : "OIDC_CLIENT_ID/OIDC_CLIENT_SECRET are set but OIDC_AUTHORITY is not; set the provider's issuer URL.";
        if (!Uri.TryCreate(o.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            return $"OIDC_AUTHORITY must be the provider's https:// issuer URL (got '{o.Authority}').";
        if (authority.Scheme == "http" && !IsLoopback(authority))
            return "OIDC_AUTHORITY must use https:// (plain http is accepted only for a provider on this machine).";
        if (string.IsNullOrWhiteSpace(o.ClientId)) return "OIDC_CLIENT_ID is required when OIDC_AUTHORITY is set.";
        if (!o.Scopes.Contains("openid")) return "OIDC_SCOPES must include openid.";
        if (!o.Scopes.Contains("email")) return "OIDC_SCOPES must include email (accounts are keyed by the company e-mail).";
        if (o.GroupClaim.Length is 0 or > 100) return "OIDC_GROUP_CLAIM must be a claim name.";
        return null;
    }

    public static bool IsLoopback(Uri uri) => uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip));

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
