using KnowledgeBase.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Chat;

/// <summary>The company's time zone for budgets (BUDGET_TIMEZONE, an IANA id such as Asia/Seoul, the default).</summary>
public sealed class BudgetOptions
{
    public const string Variable = "BUDGET_TIMEZONE";
    public const string DefaultZone = "Asia/Seoul";

    [ConfigurationKeyName(Variable)]
    public string TimeZone { get; set; } = DefaultZone;

    /// <summary>The zone, or null when the id names none.</summary>
    public TimeZoneInfo? Zone()
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById(string.IsNullOrWhiteSpace(TimeZone) ? DefaultZone : TimeZone.Trim()); }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException) { return null; }
    }
}

/// <summary>Refuses a time zone the system does not know, instead of silently counting budgets in another one.</summary>
public sealed class BudgetOptionsValidator : IValidateOptions<BudgetOptions>
{
    public ValidateOptionsResult Validate(string? name, BudgetOptions options) => options.Zone() is null
        ? ValidateOptionsResult.Fail($"{BudgetOptions.Variable} '{options.TimeZone}' is not a known time zone (an IANA id such as {BudgetOptions.DefaultZone}).")
        : ValidateOptionsResult.Success;
}

/// <summary>Day and month keys in the company's time zone (<see cref="BudgetOptions"/>), so daily budgets reset at local midnight.</summary>
public sealed class BudgetPeriods(TimeZoneInfo zone)
{
    /// <summary>Periods in a zone given by id; a bad id is a <see cref="ConfigurationException"/> naming BUDGET_TIMEZONE.</summary>
    public static BudgetPeriods FromId(string? id)
    {
        var options = new BudgetOptions { TimeZone = id ?? BudgetOptions.DefaultZone };
        return new BudgetPeriods(options.Zone() ?? throw new ConfigurationException(new BudgetOptionsValidator().Validate(null, options).FailureMessage!));
    }

    public (string Day, string Month) At(DateTimeOffset utc)
    {
        var local = TimeZoneInfo.ConvertTime(utc, zone);
        return (local.ToString("yyyy-MM-dd"), local.ToString("yyyy-MM"));
    }

    /// <summary>The local hour (0-23) of an instant, for hourly charts.</summary>
    public int HourAt(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, zone).Hour;
}

public static class BudgetServiceCollectionExtensions
{
    /// <summary>BudgetOptions bound from configuration and validated at start, and the periods they give.</summary>
    public static IServiceCollection AddBudgetPeriods(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<BudgetOptions>().Bind(config).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BudgetOptions>, BudgetOptionsValidator>());
        services.TryAddSingleton(sp => new BudgetPeriods(sp.GetRequiredService<IOptions<BudgetOptions>>().Value.Zone()!));
        return services;
    }
}
