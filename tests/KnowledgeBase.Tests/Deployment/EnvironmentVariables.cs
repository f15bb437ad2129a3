using System.Text.RegularExpressions;

namespace KnowledgeBase.Tests.Deployment;

public enum AppProcess { Api, Silo }

/// <summary>.env.example, parsed: the product's variables, and those only docker-compose.yml reads (the section
/// headed "docker compose only").</summary>
internal sealed class EnvExample
{
    public required IReadOnlyDictionary<string, string> Product { get; init; }
    public required IReadOnlyDictionary<string, string> ComposeOnly { get; init; }
    public required IReadOnlyList<string> AllNamesInOrder { get; init; }

    public bool Documents(string name) => Product.ContainsKey(name) || ComposeOnly.ContainsKey(name);

    public static EnvExample Load()
    {
        var product = new Dictionary<string, string>();
        var composeOnly = new Dictionary<string, string>();
        var all = new List<string>();
        var inComposeSection = false;
        foreach (var raw in Repo.Read(".env.example").Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("# ---", StringComparison.Ordinal))
                inComposeSection = line.Contains("docker compose only", StringComparison.OrdinalIgnoreCase);
            var match = Regex.Match(line, @"^([A-Z][A-Z0-9_]*)=(.*)$");
            if (!match.Success) continue;
            var name = match.Groups[1].Value;
            // An unquoted value ends where a ` #` comment starts, as docker compose reads it.
            var value = Regex.Replace(match.Groups[2].Value, @"\s+#.*$", "").Trim();
            all.Add(name);
            (inComposeSection ? composeOnly : product)[name] = value;
        }
        return new EnvExample { Product = product, ComposeOnly = composeOnly, AllNamesInOrder = all };
    }
}

/// <summary>Which variable each process needs, for checking that compose and Kubernetes hand them over.</summary>
internal static class ProcessVariables
{
    /// <summary>Read by the api host only (or a secret only it needs).</summary>
    public static readonly IReadOnlySet<string> ApiOnly = new HashSet<string>
    {
        "ORLEANS_MODE", "ASPNETCORE_URLS", "PATH_BASE", "JWT_SECRET", "JWT_EXPIRES_IN", "INTERNAL_EMAIL_DOMAIN",
        "ADMIN_EMAILS", "CORS_ALLOW_ORIGINS", "AUTH_RATE_LIMIT_PER_MINUTE", "METRICS_PORT", "REFRESH_TOKEN_DAYS", "SIGNUP_MODE",
        "PUBLIC_URL", "KNOWN_PROXIES", "SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM", "SMTP_SECURITY", "SMTP_CA_FILE",
        "OIDC_AUTHORITY", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_SCOPES", "OIDC_GROUP_CLAIM", "OIDC_DISPLAY_NAME",
    };

    /// <summary>Read by silos only: their ports and shutdown, their advertised address, and the secrets of the parts
    /// only grains touch (grain state, models).</summary>
    public static readonly IReadOnlySet<string> SiloOnly = new HashSet<string>
    {
        "SILO_HTTP_PORT", "SILO_PORT", "SHUTDOWN_TIMEOUT_SECONDS", "POD_IP", "SILO_ADVERTISED_IP", "DATABASE_URL", "OPENAI_API_KEY",
    };

    /// <summary>Secrets: never written into a deployment file, and given only to the process that needs them.</summary>
    public static readonly IReadOnlySet<string> Secrets = new HashSet<string>
    {
        "JWT_SECRET", "OPENAI_API_KEY", "DATABASE_URL", "S3_ACCESS_KEY", "S3_SECRET_KEY", "SMTP_PASSWORD", "OIDC_CLIENT_SECRET",
    };

    /// <summary>Documented but rightly absent from a deployment: SILO_ADVERTISED_IP is the non-Kubernetes twin of
    /// POD_IP, CHROMA_PERSIST_DIR belongs to the embedded index.</summary>
    private static readonly IReadOnlySet<string> Optional = new HashSet<string> { "SILO_ADVERTISED_IP", "CHROMA_PERSIST_DIR" };

    /// <summary>In compose each container advertises its own address, so POD_IP is Kubernetes-only.</summary>
    private static readonly IReadOnlySet<string> KubernetesOnly = new HashSet<string> { "POD_IP" };

    public static IReadOnlySet<string> RequiredFor(AppProcess process, EnvExample env, bool kubernetes) => env.Product.Keys
        .Where(name => !Optional.Contains(name))
        .Where(name => kubernetes || !KubernetesOnly.Contains(name))
        .Where(name => process == AppProcess.Api ? !SiloOnly.Contains(name) : !ApiOnly.Contains(name))
        .ToHashSet();

    /// <summary>Secrets a process must not receive.</summary>
    public static IEnumerable<string> ForbiddenSecrets(AppProcess process) => Secrets
        .Where(name => process == AppProcess.Api ? SiloOnly.Contains(name) : ApiOnly.Contains(name));
}

/// <summary>The variables the product's code reads, found in its sources at test time.</summary>
internal static class CodeVariables
{
    // config["NAME"], Configuration["NAME"]; Int(config, "NAME", ...), Long(config, "NAME", ...); lookup("NAME"),
    // ParseInt(lookup, "NAME"); Environment.GetEnvironmentVariable("NAME"); config.GetValue<T>("NAME");
    // [ConfigurationKeyName("NAME")] on a bound settings class's property.
    private static readonly Regex[] Patterns =
    [
        new(@"\b\w*[Cc]onfig(?:uration)?\s*\[\s*""([A-Z][A-Z0-9_]+)""\s*\]"),
        new(@"\b(?i:config|configuration|lookup)\s*,\s*""([A-Z][A-Z0-9_]+)"""),
        new(@"\blookup\(\s*""([A-Z][A-Z0-9_]+)""\s*\)"),
        new(@"GetEnvironmentVariable\(\s*""([A-Z][A-Z0-9_]+)""\s*\)"),
        new(@"\.Get(?:Value|Section)(?:<[^>]+>)?\(\s*""([A-Z][A-Z0-9_]+)"""),
        new(@"ConfigurationKeyName\(\s*""([A-Z][A-Z0-9_]+)""\s*\)"),
    ];

    /// <summary>ASP.NET Core's own alias of ASPNETCORE_URLS, checked only so that either spelling keeps the default off.</summary>
    private static readonly IReadOnlySet<string> FrameworkAliases = new HashSet<string> { "URLS" };

    public static IReadOnlyDictionary<string, string> Find()
    {
        var found = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Repo.ProductSources())
        {
            var text = File.ReadAllText(file);
            foreach (var pattern in Patterns)
            foreach (Match m in pattern.Matches(text))
            {
                var name = m.Groups[1].Value;
                if (!FrameworkAliases.Contains(name)) found.TryAdd(name, Path.GetRelativePath(Repo.Root, file));
            }
        }
        return found;
    }
}
