namespace KnowledgeBase.Contracts;

/// <summary>One run's results, keyed by run id.</summary>
[Alias("kb.IEvaluationRunGrain")]
public interface IEvaluationRunGrain : IGrainWithStringKey
{
    [Alias("Save")]
    Task SaveAsync(EvaluationRun run);

    [AlwaysInterleave, Alias("Get")]
    Task<EvaluationRun?> GetAsync();

    [Alias("Clear")]
    Task ClearAsync();
}
