using KnowledgeBase.Grains.Chat;

namespace KnowledgeBase.Grains;

/// <summary>One per silo: counts settled turns per local day and hour, and every second sends this activation's
/// absolute counts to the day's stats grain. The hot path stays one grain call that never waits.</summary>
[StatelessWorker(1)]
public sealed class QueryStatsAggregatorGrain(BudgetPeriods periods, TimeProvider clock) : Grain, IQueryStatsAggregatorGrain
{
    private static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(1);
    private readonly string _source = Guid.NewGuid().ToString("N");
    private readonly Dictionary<string, (long[] Requests, long[] NoResult)> _days = new();
    private readonly HashSet<string> _dirty = new();
    private long _sequence;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushEvery, FlushEvery) { Interleave = true });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync();
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested || reason.ReasonCode == DeactivationReasonCode.ShuttingDown)
        {
            // Counts lost at shutdown only affect the charts.
        }
    }

    public Task RecordAsync(QueryOutcome outcome)
    {
        var day = periods.At(outcome.At).Day;
        var hour = periods.HourAt(outcome.At);
        if (!_days.TryGetValue(day, out var counts)) _days[day] = counts = (new long[24], new long[24]);
        counts.Requests[hour]++;
        if (outcome.NoResult) counts.NoResult[hour]++;
        _dirty.Add(day);
        return Task.CompletedTask;
    }

    public async Task FlushAsync()
    {
        if (_dirty.Count > 0)
        {
            var days = _dirty.ToList();
            _dirty.Clear();
            try
            {
                await Task.WhenAll(days.Select(day => GrainFactory.GetGrain<IQueryStatsGrain>("day:" + day).ApplyAsync(_source,
                    new HourlyQueryCounts(_days[day].Requests.ToArray(), _days[day].NoResult.ToArray(), ++_sequence))));
            }
            catch
            {
                foreach (var day in days) _dirty.Add(day); // the next tick resends the (absolute) counts
                throw;
            }
        }
        // Only today and yesterday can still change.
        var yesterday = periods.At(clock.GetUtcNow().AddDays(-1)).Day;
        foreach (var old in _days.Keys.Where(d => string.CompareOrdinal(d, yesterday) < 0 && !_dirty.Contains(d)).ToList()) _days.Remove(old);
    }
}
