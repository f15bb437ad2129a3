using Microsoft.Extensions.Configuration;

namespace KnowledgeBase.Grains.Hosting;

/// <summary>Readers of the settings not yet bound to an options class (see <see cref="KnowledgeBaseConfiguration"/>
/// for those that are); a bad value fails start-up with a message naming the variable.</summary>
public static class KnowledgeBaseSettings
{
    public static int Int(IConfiguration config, string name, int fallback, int min, int max)
    {
        var raw = config[name];
        if (string.IsNullOrWhiteSpace(raw)) return fallback;
        if (!int.TryParse(raw, out var value) || value < min || value > max)
            throw new ConfigurationException($"{name} must be a whole number from {min} to {max} (got '{raw}').");
        return value;
    }

    public static bool Bool(IConfiguration config, string name, bool fallback)
    {
        var raw = config[name];
        if (string.IsNullOrWhiteSpace(raw)) return fallback;
        return raw.Trim().ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "on" => true,
            "false" or "0" or "no" or "off" => false,
            _ => throw new ConfigurationException($"{name} must be true or false (got '{raw}')."),
        };
    }

    /// <summary>ORLEANS_DASHBOARD: the Orleans dashboard at /dashboard, with its per-call grain profiler. Off unless set
    /// (it holds ~60-77 MB and profiles every grain call); docker-compose and the Kubernetes ConfigMap turn it on for
    /// operators. Set it the same on every silo and api.</summary>
    public static bool DashboardEnabled(IConfiguration config) => Bool(config, "ORLEANS_DASHBOARD", false);

    /// <summary>Prod rules apply (APP_ENV=prod or production, or STRICT_ENV=true): missing secrets and protections stop
    /// start-up instead of falling back to a development default.</summary>
    public static bool Strict(IConfiguration config)
        => config["APP_ENV"] is { } env && (env.Equals("prod", StringComparison.OrdinalIgnoreCase) || env.Equals("production", StringComparison.OrdinalIgnoreCase))
            || string.Equals(config["STRICT_ENV"], "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Traces are collected and exported only when OTEL_EXPORTER_OTLP_ENDPOINT names a collector.</summary>
    public static bool TracingEnabled(IConfiguration config) => !string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static long Long(IConfiguration config, string name, long fallback)
    {
        var raw = config[name];
        if (string.IsNullOrWhiteSpace(raw)) return fallback;
        if (!long.TryParse(raw, out var value) || value < 0)
            throw new ConfigurationException($"{name} must be a whole number of tokens, 0 or more (got '{raw}').");
        return value;
    }
}
