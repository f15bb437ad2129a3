namespace KnowledgeBase.Contracts;

/// <summary>Spend totals of one period, keyed "day:yyyy-MM-dd" or "month:yyyy-MM".</summary>
[Alias("kb.ICostLedgerGrain")]
public interface ICostLedgerGrain : IGrainWithStringKey
{
    [Alias("Apply")]
    Task ApplyAsync(IReadOnlyList<PeriodUserTotal> totals);

    [AlwaysInterleave, Alias("Get")]
    Task<LedgerSnapshot> GetAsync();
}
