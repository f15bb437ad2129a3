using KnowledgeBase.Grains.Evaluation;

namespace KnowledgeBase.Api.Evaluation;

/// <summary>Runs uploaded golden sets in the background of this api process, one at a time, writing progress and
/// results to the history and run grains (so any api instance shows them). A run cut off by shutdown is marked failed.</summary>
public sealed class EvaluationJobs(EvaluationRunner runner, IGrainFactory grains, TimeProvider clock, IHostApplicationLifetime lifetime,
    ILogger<EvaluationJobs> logger)
{
    private const int ProgressEvery = 10;
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>Starts a run and returns its summary, or null when a run is already going on this instance.</summary>
    public async Task<EvaluationRunSummary?> StartAsync(string name, string startedBy, IReadOnlyList<GoldenQuestion> questions)
    {
        if (!await _one.WaitAsync(0)) return null;
        var summary = new EvaluationRunSummary("eval_" + Guid.NewGuid().ToString("N")[..12], name, startedBy, clock.GetUtcNow(), null, "running",
            questions.Count, 0, null, null);
        try
        {
            await grains.GetGrain<IEvaluationHistoryGrain>("all").PutAsync(summary);
        }
        catch
        {
            _one.Release();
            throw;
        }
        _ = Task.Run(() => RunAsync(summary, questions));
        return summary;
    }

    private async Task RunAsync(EvaluationRunSummary summary, IReadOnlyList<GoldenQuestion> questions)
    {
        var history = grains.GetGrain<IEvaluationHistoryGrain>("all");
        try
        {
            var results = await runner.RunAsync(questions, done => done % ProgressEvery == 0 && done < questions.Count
                ? history.PutAsync(summary with { Done = done })
                : Task.CompletedTask, lifetime.ApplicationStopping);
            var finished = summary with { Done = results.Count, Status = "completed", FinishedAt = clock.GetUtcNow(), Totals = EvaluationScoring.Totals(results) };
            await grains.GetGrain<IEvaluationRunGrain>(summary.RunId).SaveAsync(new EvaluationRun(finished, results));
            await history.PutAsync(finished);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Evaluation run {RunId} failed", summary.RunId);
            var failed = summary with
            {
                Status = "failed",
                FinishedAt = clock.GetUtcNow(),
                Error = ex is OperationCanceledException ? "서버가 종료되어 중단되었습니다. (Interrupted by shutdown.)" : ex.GetType().Name + ": " + ex.Message,
            };
            try { await history.PutAsync(failed); }
            catch (Exception inner) { logger.LogWarning(inner, "Could not record the failure of evaluation run {RunId}", summary.RunId); }
        }
        finally
        {
            _one.Release();
        }
    }
}
