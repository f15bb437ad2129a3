namespace KnowledgeBase.Grains.Chat;

/// <summary>Day and month keys in the company's time zone (BUDGET_TIMEZONE, default Asia/Seoul), so daily budgets reset at local midnight.</summary>
public sealed class BudgetPeriods(TimeZoneInfo zone)
{
    public static BudgetPeriods FromId(string? id)
    {
        try
        {
            return new BudgetPeriods(TimeZoneInfo.FindSystemTimeZoneById(string.IsNullOrWhiteSpace(id) ? "Asia/Seoul" : id));
        }
        catch (TimeZoneNotFoundException)
        {
            return new BudgetPeriods(TimeZoneInfo.CreateCustomTimeZone("KST", TimeSpan.FromHours(9), "KST", "KST"));
        }
    }

    public (string Day, string Month) At(DateTimeOffset utc)
    {
        var local = TimeZoneInfo.ConvertTime(utc, zone);
        return (local.ToString("yyyy-MM-dd"), local.ToString("yyyy-MM"));
    }

    /// <summary>The local hour (0-23) of an instant, for hourly charts.</summary>
    public int HourAt(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, zone).Hour;
}
