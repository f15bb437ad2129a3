namespace KnowledgeBase.Grains;

public sealed record QueryStatsState
{
    /// <summary>The layout of this record; a later release that changes it migrates from this number on purpose.</summary>
    public int SchemaVersion { get; set; } = 1;

    public Dictionary<string, HourlyQueryCounts> Sources { get; init; } = new();
}

/// <summary>Turns and no-result turns per hour of one local day ("day:2026-11-29"), for the admin charts.
/// Each silo activation reports absolute counts under its own source id; the day's figure is their sum.</summary>
public sealed class QueryStatsGrain(
    [PersistentState("querystats", "kb")] IPersistentState<QueryStatsState> state) : Grain, IQueryStatsGrain
{
    public async Task ApplyAsync(string source, HourlyQueryCounts counts)
    {
        if (counts.Requests.Count != 24 || counts.NoResult.Count != 24) throw new ArgumentException("24 hourly counts expected", nameof(counts));
        if (state.State.Sources.TryGetValue(source, out var existing) && existing.Sequence >= counts.Sequence) return;
        state.State.Sources[source] = counts;
        await state.WriteStateAsync();
    }

    public Task<HourlyQueryCounts> GetAsync()
    {
        var requests = new long[24];
        var noResult = new long[24];
        foreach (var counts in state.State.Sources.Values)
            for (var h = 0; h < 24; h++)
            {
                requests[h] += counts.Requests[h];
                noResult[h] += counts.NoResult[h];
            }
        return Task.FromResult(new HourlyQueryCounts(requests, noResult, 0));
    }
}
