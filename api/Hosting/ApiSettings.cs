using System.Text;

namespace KnowledgeBase.Api.Hosting;

/// <summary>The api's own settings from environment variables. In prod (APP_ENV=prod or STRICT_ENV=true) a missing
/// or default secret stops start-up with a message that names the variable.</summary>
public sealed class ApiSettings
{
    public const string DevJwtSecret = "dev-only-insecure-jwt-secret-change-me-0123456789";

    public required bool Strict { get; init; }
    public required string JwtSecret { get; init; }
    public required int JwtExpiresInSeconds { get; init; }
    public required IReadOnlySet<string> EmailDomains { get; init; }
    public required IReadOnlySet<string> AdminEmails { get; init; }
    public required string[] CorsOrigins { get; init; }

    public byte[] JwtKey => Encoding.UTF8.GetBytes(JwtSecret);

    public static ApiSettings Load(IConfiguration config)
    {
        var appEnv = config["APP_ENV"] ?? "dev";
        var strict = appEnv.Equals("prod", StringComparison.OrdinalIgnoreCase)
            || appEnv.Equals("production", StringComparison.OrdinalIgnoreCase)
            || string.Equals(config["STRICT_ENV"], "true", StringComparison.OrdinalIgnoreCase);

        var secret = config["JWT_SECRET"];
        if (strict)
        {
            if (string.IsNullOrWhiteSpace(secret) || secret == DevJwtSecret || secret.StartsWith("change", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException("JWT_SECRET is missing or still the default; set a random secret of at least 32 characters (APP_ENV=prod).");
            if (Encoding.UTF8.GetByteCount(secret) < 32)
                throw new InvalidOperationException("JWT_SECRET is too short; use at least 32 characters (APP_ENV=prod).");
        }
        else if (string.IsNullOrWhiteSpace(secret))
        {
            secret = DevJwtSecret;
        }
        else if (Encoding.UTF8.GetByteCount(secret) < 32)
        {
            throw new InvalidOperationException("JWT_SECRET must be at least 32 characters (HS256 needs a 256-bit key).");
        }

        var expires = int.TryParse(config["JWT_EXPIRES_IN"], out var e) && e > 0 ? e : 3600;
        var domains = Split(config["INTERNAL_EMAIL_DOMAIN"] ?? "soosan.com,soosan.co.kr");
        if (domains.Count == 0) throw new InvalidOperationException("INTERNAL_EMAIL_DOMAIN must list at least one e-mail domain.");
        return new ApiSettings
        {
            Strict = strict,
            JwtSecret = secret,
            JwtExpiresInSeconds = expires,
            EmailDomains = domains,
            AdminEmails = Split(config["ADMIN_EMAILS"] ?? ""),
            CorsOrigins = (config["CORS_ALLOW_ORIGINS"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
    }

    private static HashSet<string> Split(string value) => value
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(v => v.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
}
