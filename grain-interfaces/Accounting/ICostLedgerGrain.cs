namespace KnowledgeBase.Contracts;

/// <summary>Spend totals of one period, keyed "day:yyyy-MM-dd" or "month:yyyy-MM".</summary>
[Alias("kb.ICostLedgerGrain")]
public interface ICostLedgerGrain : IGrainWithStringKey
{
    [Alias("Apply")]
    Task ApplyAsync(IReadOnlyList<PeriodUserTotal> totals);

    [AlwaysInterleave, Alias("Get")]
    Task<LedgerSnapshot> GetAsync();

    /// <summary>The period's company totals, without the per-user list.</summary>
    [AlwaysInterleave, Alias("Totals")]
    Task<LedgerTotals> GetTotalsAsync();

    /// <summary>Each user's tokens in the period, or null when nothing changed since <paramref name="knownChange"/>
    /// (the <see cref="LedgerTotals.Change"/> the caller last saw).</summary>
    [AlwaysInterleave, Alias("TokensByUser")]
    Task<LedgerTokens?> GetTokensByUserAsync(long knownChange);
}
