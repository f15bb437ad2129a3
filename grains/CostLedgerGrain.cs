namespace KnowledgeBase.Grains;

public sealed record LedgerState
{
    /// <summary>The layout of this record; a later release that changes it migrates from this number on purpose.</summary>
    public int SchemaVersion { get; set; } = 1;

    public Dictionary<string, PeriodUserTotal> Users { get; init; } = new();
}

/// <summary>The company's spend for one day or month ("day:2026-11-29", "month:2026-11"), per user and in total.
/// A user's newer totals (higher sequence) replace older ones, so replays and duplicates are harmless.</summary>
public sealed class CostLedgerGrain(
    [PersistentState("ledger", "kb")] IPersistentState<LedgerState> state) : Grain, ICostLedgerGrain
{
    // Starts at a value no caller has seen, so a caller's cache from an earlier activation is never taken as current.
    private long _change = DateTime.UtcNow.Ticks;
    private LedgerTokens? _tokens;
    private LedgerTotals? _totals;

    public async Task ApplyAsync(IReadOnlyList<PeriodUserTotal> totals)
    {
        var changed = false;
        foreach (var total in totals)
        {
            if (state.State.Users.TryGetValue(total.UserId, out var existing) && existing.Sequence >= total.Sequence) continue;
            state.State.Users[total.UserId] = total;
            changed = true;
        }
        if (!changed) return;
        await state.WriteStateAsync();
        _change++;
        _tokens = null;
        _totals = null;
    }

    public Task<LedgerTotals> GetTotalsAsync()
    {
        var users = state.State.Users.Values;
        return Task.FromResult(_totals ??= new LedgerTotals(this.GetPrimaryKeyString(), users.Sum(u => u.Tokens), users.Sum(u => u.CostUsd),
            users.Sum(u => u.Requests), _change));
    }

    public Task<LedgerTokens?> GetTokensByUserAsync(long knownChange)
        => Task.FromResult(knownChange == _change ? null
            : _tokens ??= new LedgerTokens(_change, state.State.Users.Values.ToDictionary(u => u.UserId, u => u.Tokens, StringComparer.Ordinal)));

    public Task<LedgerSnapshot> GetAsync()
    {
        var users = state.State.Users.Values.OrderByDescending(u => u.Tokens).ToList();
        return Task.FromResult(new LedgerSnapshot(this.GetPrimaryKeyString(), users.Sum(u => u.Tokens), users.Sum(u => u.CostUsd),
            users.Sum(u => u.Requests), users));
    }
}
