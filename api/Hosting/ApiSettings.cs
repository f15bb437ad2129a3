using System.Net;
using System.Security.Cryptography;
using System.Text;
using KnowledgeBase.Grains.Hosting;

namespace KnowledgeBase.Api.Hosting;

public enum SignupMode { Open, Invite }

/// <summary>The api's own settings from environment variables. A bad value stops start-up with a message that names the
/// variable. The token signing key is JWT_SECRET when set, otherwise a random 256-bit key generated at first start and
/// kept in DATA_DIR, readable by the owner only, in every APP_ENV: no key ships in the source.</summary>
public sealed class ApiSettings
{
    public const string KeyFileName = "jwt-signing.key";

    public required bool Strict { get; init; }
    public required byte[] JwtKey { get; init; }

    /// <summary>Where the key came from, for the start-up summary (never the key itself).</summary>
    public required string JwtKeySource { get; init; }
    public required int JwtExpiresInSeconds { get; init; }
    public required TimeSpan RefreshTokenLifetime { get; init; }
    public required IReadOnlySet<string> EmailDomains { get; init; }
    public required IReadOnlySet<string> AdminEmails { get; init; }
    public required string[] CorsOrigins { get; init; }
    public required SignupMode Signup { get; init; }

    /// <summary>The address mailed links start with (PUBLIC_URL); null = the address the request came in on.</summary>
    public required Uri? PublicUrl { get; init; }

    /// <summary>Proxies (KNOWN_PROXIES: addresses or CIDR ranges) whose X-Forwarded-For/-Proto are believed.</summary>
    public required IReadOnlyList<string> KnownProxies { get; init; }

    public static ApiSettings Load(IConfiguration config, string dataDir)
    {
        var appEnv = config["APP_ENV"] ?? "dev";
        var strict = appEnv.Equals("prod", StringComparison.OrdinalIgnoreCase)
            || appEnv.Equals("production", StringComparison.OrdinalIgnoreCase)
            || string.Equals(config["STRICT_ENV"], "true", StringComparison.OrdinalIgnoreCase);

        var (key, source) = LoadKey(config["JWT_SECRET"], dataDir);
        var expires = KnowledgeBaseSettings.Int(config, "JWT_EXPIRES_IN", 900, 60, 86_400);
        var refreshDays = KnowledgeBaseSettings.Int(config, "REFRESH_TOKEN_DAYS", 14, 1, 365);
        var domains = Split(config["INTERNAL_EMAIL_DOMAIN"] ?? "soosan.com,soosan.co.kr");
        if (domains.Count == 0) throw new ConfigurationException("INTERNAL_EMAIL_DOMAIN must list at least one e-mail domain.");
        var signup = (config["SIGNUP_MODE"] ?? "open").Trim().ToLowerInvariant() switch
        {
            "" or "open" => SignupMode.Open,
            "invite" => SignupMode.Invite,
            var other => throw new ConfigurationException($"SIGNUP_MODE must be open or invite (got '{other}')."),
        };
        Uri? publicUrl = null;
        if (config["PUBLIC_URL"] is { Length: > 0 } raw
            && (!Uri.TryCreate(raw.TrimEnd('/') + "/", UriKind.Absolute, out publicUrl) || publicUrl.Scheme is not ("http" or "https")))
            throw new ConfigurationException($"PUBLIC_URL must be an absolute http(s) address, e.g. https://kb.soosan.com (got '{raw}').");
        var proxies = (config["KNOWN_PROXIES"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var proxy in proxies)
            if (!IPAddress.TryParse(proxy, out _) && !IPNetwork.TryParse(proxy, out _))
                throw new ConfigurationException($"KNOWN_PROXIES must list IP addresses or CIDR ranges such as 10.0.0.0/8 (got '{proxy}').");

        return new ApiSettings
        {
            Strict = strict,
            JwtKey = key,
            JwtKeySource = source,
            JwtExpiresInSeconds = expires,
            RefreshTokenLifetime = TimeSpan.FromDays(refreshDays),
            EmailDomains = domains,
            AdminEmails = Split(config["ADMIN_EMAILS"] ?? ""),
            CorsOrigins = (config["CORS_ALLOW_ORIGINS"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Signup = signup,
            PublicUrl = publicUrl,
            KnownProxies = proxies,
        };
    }

    private static (byte[] Key, string Source) LoadKey(string? secret, string dataDir)
    {
        if (!string.IsNullOrWhiteSpace(secret))
        {
            // The placeholders of .env.example and the k8s Secret template are public: refuse them in every APP_ENV.
            if (secret.Contains("change-me", StringComparison.OrdinalIgnoreCase) || secret.StartsWith("change", StringComparison.OrdinalIgnoreCase))
                throw new ConfigurationException("JWT_SECRET is still a placeholder; set 32+ random characters, or leave it unset to generate a key in DATA_DIR.");
            if (Encoding.UTF8.GetByteCount(secret) < 32)
                throw new ConfigurationException("JWT_SECRET must be at least 32 characters (HS256 needs a 256-bit key); or leave it unset to generate one in DATA_DIR.");
            return (Encoding.UTF8.GetBytes(secret), "JWT_SECRET");
        }
        var path = Path.GetFullPath(Path.Combine(dataDir, KeyFileName));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            var key = RandomNumberGenerator.GetBytes(32);
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var file = new FileStream(path, create))
            {
                file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key)));
            }
            return (key, $"generated at first start in {path}");
        }
        catch (IOException) when (File.Exists(path))
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            byte[] key;
            try
            {
                key = Convert.FromBase64String(File.ReadAllText(path).Trim());
            }
            catch (FormatException)
            {
                throw new ConfigurationException($"{path} is not a signing key written by this app; delete it to generate a new one (everyone signs in again).");
            }
            if (key.Length < 32) throw new ConfigurationException($"{path} holds a key shorter than 256 bits; delete it to generate a new one.");
            return (key, $"{path} (generated earlier)");
        }
    }

    private static HashSet<string> Split(string value) => value
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(v => v.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
}
