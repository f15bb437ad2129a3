namespace KnowledgeBase.Grains;

/// <summary>One per silo: keeps the latest totals of each user that spent, and every half second sends them to the
/// day and month ledgers and the live feed. Totals are absolute, so a lost batch is healed by the next.</summary>
[StatelessWorker(1)]
public sealed class CostAggregatorGrain : Grain, ICostAggregatorGrain
{
    private static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(500);
    private Dictionary<string, UserSpend> _pending = new();
    private IGrainTimer? _timer;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _timer = this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushEvery, FlushEvery) { Interleave = true });
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => FlushAsync();

    public Task RecordAsync(UserSpend spend)
    {
        if (!_pending.TryGetValue(spend.UserId, out var existing) || existing.Sequence < spend.Sequence)
            _pending[spend.UserId] = spend;
        return Task.CompletedTask;
    }

    public async Task FlushAsync()
    {
        if (_pending.Count == 0) return;
        var batch = _pending.Values.ToList();
        _pending = new Dictionary<string, UserSpend>();
        try
        {
            var days = batch.GroupBy(s => s.Day).Select(g => GrainFactory.GetGrain<ICostLedgerGrain>("day:" + g.Key)
                .ApplyAsync(g.Select(s => new PeriodUserTotal(s.UserId, s.TokensDay, s.CostDayUsd, s.RequestsDay, s.Sequence)).ToList()));
            var months = batch.GroupBy(s => s.Month).Select(g => GrainFactory.GetGrain<ICostLedgerGrain>("month:" + g.Key)
                .ApplyAsync(g.Select(s => new PeriodUserTotal(s.UserId, s.TokensMonth, s.CostMonthUsd, s.RequestsMonth, s.Sequence)).ToList()));
            await Task.WhenAll(days.Concat(months));
        }
        catch
        {
            // Put the batch back unless something newer arrived meanwhile; the next tick retries.
            foreach (var s in batch)
                if (!_pending.TryGetValue(s.UserId, out var newer) || newer.Sequence < s.Sequence) _pending[s.UserId] = s;
            throw;
        }
        await GrainFactory.GetGrain<IUsageFeedGrain>("all").PublishAsync(batch
            .Select(s => new UsageChange(s.UserId, s.Day, s.TokensDay, s.TokensMonth, s.CostDayUsd, s.CostMonthUsd, s.At)).ToList());
    }
}
