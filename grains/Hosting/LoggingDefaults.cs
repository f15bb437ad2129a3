using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace KnowledgeBase.Grains.Hosting;

/// <summary>Quiet log levels by default: the product's own messages and start-up lines at Information, the frameworks'
/// (requests, Orleans' configuration dump, resilience attempts) only from Warning. Added as the lowest-priority
/// configuration source, so `Logging__LogLevel__{Category}` (e.g. `Logging__LogLevel__Microsoft.AspNetCore=Debug`)
/// still turns any of them back on.</summary>
public static class LoggingDefaults
{
    private static readonly Dictionary<string, string?> Levels = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        ["Logging:LogLevel:Orleans"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
    };

    public static void AddQuietLoggingDefaults(this IConfigurationManager configuration)
        => configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Levels });
}
