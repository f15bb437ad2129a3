using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KnowledgeBase.Grains.Health;

/// <summary>Reuses a check's result for a while: readiness is probed every few seconds by every pod, and a paid
/// endpoint (the model API) should not see that traffic.</summary>
public sealed class CachedHealthCheck(IHealthCheck inner, TimeSpan lifetime, TimeProvider clock) : IHealthCheck
{
    private (DateTimeOffset At, HealthCheckResult Result)? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_last is { } last && clock.GetUtcNow() - last.At < lifetime) return last.Result;
        HealthCheckResult result;
        try
        {
            result = await inner.CheckHealthAsync(context, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            result = new HealthCheckResult(context.Registration.FailureStatus, ex.GetType().Name + ": " + ex.Message);
        }
        _last = (clock.GetUtcNow(), result);
        return result;
    }
}
