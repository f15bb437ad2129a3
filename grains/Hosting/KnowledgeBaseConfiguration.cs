using System.ComponentModel.DataAnnotations;
using KnowledgeBase.Grains.Chat;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Hosting;

/// <summary>The one place the product's settings classes are bound from the environment variables (their names are on
/// the properties, <c>[ConfigurationKeyName]</c>) and validated (their ranges, <c>[Range]</c>, and the rules between
/// settings below); a bad value stops start-up with one line naming the variable (<see cref="ConfigurationErrors"/>).</summary>
public static class KnowledgeBaseConfiguration
{
    private const string OverlapRule = "CHUNK_OVERLAP_TOKENS must be smaller than CHUNK_TOKENS.";

    /// <summary>Registers the settings classes, bound and validated when the host starts (once, however often called).</summary>
    public static IServiceCollection AddKnowledgeBaseOptions(this IServiceCollection services, IConfiguration config)
    {
        if (services.Any(d => d.ServiceType == typeof(Registered))) return services;
        services.AddSingleton<Registered>();
        Bind<KnowledgeBaseOptions>(services, config).Validate(o => o.ChunkOverlapTokens < o.ChunkTokens, OverlapRule);
        Bind<LimitsOptions>(services, config);
        Bind<AnswerOptions>(services, config);
        Bind<QueryRewriteOptions>(services, config);
        return services;
    }

    /// <summary>The settings needed before the host is built (folders, the upload limit), by the same rules.</summary>
    public static KnowledgeBaseOptions Load(IConfiguration config)
    {
        var options = new KnowledgeBaseOptions();
        config.Bind(options);
        var failures = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), failures, validateAllProperties: true);
        var messages = failures.Select(f => f.ErrorMessage).ToList();
        if (options.ChunkOverlapTokens >= options.ChunkTokens) messages.Add(OverlapRule);
        if (messages.Count > 0) throw new ConfigurationException(string.Join(" ", messages));
        return options;
    }

    private static OptionsBuilder<T> Bind<T>(IServiceCollection services, IConfiguration config) where T : class
        => services.AddOptions<T>().Bind(config).ValidateDataAnnotations().ValidateOnStart();

    private sealed class Registered;
}
