namespace KnowledgeBase.Contracts;

/// <summary>The history of evaluation runs, newest first (keyed "all").</summary>
[Alias("kb.IEvaluationHistoryGrain")]
public interface IEvaluationHistoryGrain : IGrainWithStringKey
{
    /// <summary>Adds or replaces a run's summary.</summary>
    [Alias("Put")]
    Task PutAsync(EvaluationRunSummary summary);

    [AlwaysInterleave, Alias("List")]
    Task<IReadOnlyList<EvaluationRunSummary>> ListAsync(int take);
}
