namespace KnowledgeBase.Grains;

public sealed record EvaluationHistoryState
{
    public List<EvaluationRunSummary> Runs { get; init; } = [];
}

/// <summary>The summaries of evaluation runs, oldest first in state; the newest <see cref="Keep"/> are kept and the
/// results of runs that fall off are cleared with them.</summary>
public sealed class EvaluationHistoryGrain(
    [PersistentState("evaluations", "kb")] IPersistentState<EvaluationHistoryState> state) : Grain, IEvaluationHistoryGrain
{
    private const int Keep = 100;

    public async Task PutAsync(EvaluationRunSummary summary)
    {
        var runs = state.State.Runs;
        var index = runs.FindIndex(r => r.RunId == summary.RunId);
        if (index >= 0) runs[index] = summary;
        else runs.Add(summary);
        var dropped = runs.Count > Keep ? runs.GetRange(0, runs.Count - Keep) : [];
        if (dropped.Count > 0) runs.RemoveRange(0, dropped.Count);
        await state.WriteStateAsync();
        foreach (var old in dropped) await GrainFactory.GetGrain<IEvaluationRunGrain>(old.RunId).ClearAsync();
    }

    public Task<IReadOnlyList<EvaluationRunSummary>> ListAsync(int take)
        => Task.FromResult<IReadOnlyList<EvaluationRunSummary>>(Enumerable.Reverse(state.State.Runs).Take(Math.Clamp(take, 1, Keep)).ToList());
}
