namespace KnowledgeBase.Contracts;

/// <param name="RequestsPerMinute">A per-user rate limit set by an admin; null means the configured default.</param>
[GenerateSerializer, Immutable, Alias("kb.BudgetLimits")]
public sealed record BudgetLimits(
    [property: Id(0)] long DailyTokens,
    [property: Id(1)] long MonthlyTokens,
    [property: Id(2)] int? RequestsPerMinute = null);

/// <summary>A user's spend and limits at one moment, as /api/auth/me and the admin console show it.</summary>
[GenerateSerializer, Immutable, Alias("kb.UsageSnapshot")]
public sealed record UsageSnapshot(
    [property: Id(0)] string UserId,
    [property: Id(1)] string Email,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] string Role,
    [property: Id(4)] BudgetLimits Limits,
    [property: Id(5)] long UsedToday,
    [property: Id(6)] long UsedThisMonth,
    [property: Id(7)] decimal CostTodayUsd,
    [property: Id(8)] decimal CostThisMonthUsd,
    [property: Id(9)] long ReservedTokens,
    [property: Id(10)] int RequestsLastMinute,
    [property: Id(11)] int RateLimitPerMinute,
    [property: Id(12)] DateTimeOffset? LastActivityAt)
{
    public long RemainingToday => Math.Max(0, Limits.DailyTokens - UsedToday - ReservedTokens);
    public long RemainingThisMonth => Math.Max(0, Limits.MonthlyTokens - UsedThisMonth - ReservedTokens);
}

/// <summary>A user's absolute totals for one day and month; absolute so that a lost or repeated batch heals itself.</summary>
[GenerateSerializer, Immutable, Alias("kb.UserSpend")]
public sealed record UserSpend(
    [property: Id(0)] string UserId,
    [property: Id(1)] string Day,
    [property: Id(2)] string Month,
    [property: Id(3)] long TokensDay,
    [property: Id(4)] long TokensMonth,
    [property: Id(5)] decimal CostDayUsd,
    [property: Id(6)] decimal CostMonthUsd,
    [property: Id(7)] long RequestsDay,
    [property: Id(8)] long RequestsMonth,
    [property: Id(9)] long Sequence,
    [property: Id(10)] DateTimeOffset At);

/// <summary>One user's totals inside a ledger period.</summary>
[GenerateSerializer, Immutable, Alias("kb.PeriodUserTotal")]
public sealed record PeriodUserTotal(
    [property: Id(0)] string UserId,
    [property: Id(1)] long Tokens,
    [property: Id(2)] decimal CostUsd,
    [property: Id(3)] long Requests,
    [property: Id(4)] long Sequence);

[GenerateSerializer, Immutable, Alias("kb.LedgerSnapshot")]
public sealed record LedgerSnapshot(
    [property: Id(0)] string Period,
    [property: Id(1)] long Tokens,
    [property: Id(2)] decimal CostUsd,
    [property: Id(3)] long Requests,
    [property: Id(4)] IReadOnlyList<PeriodUserTotal> Users);

/// <summary>A period's company totals; <see cref="Change"/> counts the ledger's changes since it was activated.</summary>
[GenerateSerializer, Immutable, Alias("kb.LedgerTotals")]
public sealed record LedgerTotals(
    [property: Id(0)] string Period,
    [property: Id(1)] long Tokens,
    [property: Id(2)] decimal CostUsd,
    [property: Id(3)] long Requests,
    [property: Id(4)] long Change);

/// <summary>Each user's tokens in a period, as of a ledger change.</summary>
[GenerateSerializer, Immutable, Alias("kb.LedgerTokens")]
public sealed record LedgerTokens(
    [property: Id(0)] long Change,
    [property: Id(1)] IReadOnlyDictionary<string, long> Tokens);

/// <summary>Pushed to admin consoles when spend changes.</summary>
[GenerateSerializer, Immutable, Alias("kb.UsageChange")]
public sealed record UsageChange(
    [property: Id(0)] string UserId,
    [property: Id(1)] string Day,
    [property: Id(2)] long TokensDay,
    [property: Id(3)] long TokensMonth,
    [property: Id(4)] decimal CostDayUsd,
    [property: Id(5)] decimal CostMonthUsd,
    [property: Id(6)] DateTimeOffset At);
