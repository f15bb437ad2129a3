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
    public async Task ApplyAsync(IReadOnlyList<PeriodUserTotal> totals)
    {
        var changed = false;
        foreach (var total in totals)
        {
            if (state.State.Users.TryGetValue(total.UserId, out var existing) && existing.Sequence >= total.Sequence) continue;
            state.State.Users[total.UserId] = total;
            changed = true;
        }
        if (changed) await state.WriteStateAsync();
    }

    public Task<LedgerSnapshot> GetAsync()
    {
        var users = state.State.Users.Values.OrderByDescending(u => u.Tokens).ToList();
        return Task.FromResult(new LedgerSnapshot(this.GetPrimaryKeyString(), users.Sum(u => u.Tokens), users.Sum(u => u.CostUsd),
            users.Sum(u => u.Requests), users));
    }
}
