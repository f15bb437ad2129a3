namespace KnowledgeBase.Grains;

public sealed record EvaluationRunState
{
    public EvaluationRun? Run { get; set; }
}

/// <summary>One evaluation run's per-question results, stored apart from the history so listing runs stays small.</summary>
public sealed class EvaluationRunGrain(
    [PersistentState("evaluation-run", "kb")] IPersistentState<EvaluationRunState> state) : Grain, IEvaluationRunGrain
{
    public async Task SaveAsync(EvaluationRun run)
    {
        state.State.Run = run;
        await state.WriteStateAsync();
    }

    public Task<EvaluationRun?> GetAsync() => Task.FromResult(state.State.Run);

    public async Task ClearAsync()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}
