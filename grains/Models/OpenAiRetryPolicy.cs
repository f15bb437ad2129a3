using System.ClientModel.Primitives;
using System.Globalization;
using KnowledgeBase.Grains.Telemetry;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Grains.Models;

/// <summary>
/// The SDK's retry loop (408, 429, 500, 502, 503, 504 and network failures) with OpenAI's own hints honoured:
/// retry-after-ms, then Retry-After (seconds or a date), else exponential backoff with jitter.
/// </summary>
public sealed class OpenAiRetryPolicy(int maxRetries, TimeSpan baseDelay, TimeSpan maxDelay, ILogger logger)
    : ClientRetryPolicy(maxRetries)
{
    public int MaxRetries { get; } = maxRetries;

    // The SDK keeps its own try count internal, so each message carries ours.
    private sealed class TryState
    {
        public int Tries;
        public TimeSpan NextDelay;
    }

    protected override void OnSendingRequest(PipelineMessage message) => StateOf(message).Tries++;

    protected override ValueTask OnSendingRequestAsync(PipelineMessage message)
    {
        StateOf(message).Tries++;
        return ValueTask.CompletedTask;
    }

    protected override void OnRequestSent(PipelineMessage message) => CountRetrySuccess(message);

    protected override ValueTask OnRequestSentAsync(PipelineMessage message)
    {
        CountRetrySuccess(message);
        return ValueTask.CompletedTask;
    }

    private static void CountRetrySuccess(PipelineMessage message)
    {
        if (message.Response is { IsError: false } && StateOf(message).Tries > 1) KnowledgeBaseTelemetry.ModelRetrySuccesses.Add(1);
    }

    protected override bool ShouldRetry(PipelineMessage message, Exception? exception)
    {
        if (!base.ShouldRetry(message, exception)) return false;

        KnowledgeBaseTelemetry.ModelRetries.Add(1, KnowledgeBaseTelemetry.Tag("failure",
            message.Response is { } failed ? failed.Status.ToString(CultureInfo.InvariantCulture) : exception?.GetType().Name ?? "no_response"));
        var state = StateOf(message);
        var delay = state.NextDelay = ComputeDelay(message.Response, state.Tries - 1);
        if (logger.IsEnabled(LogLevel.Warning))
        {
            // The path only: the query string and headers may carry secrets on some compatible servers.
            logger.LogWarning(
                "OpenAI {Method} {Path} failed with {Failure}; retry {Retry} of {MaxRetries} in {DelayMs} ms",
                message.Request.Method, message.Request.Uri?.AbsolutePath,
                message.Response is { } response ? $"HTTP {response.Status}" : exception?.GetType().Name ?? "no response",
                state.Tries, MaxRetries, (long)delay.TotalMilliseconds);
        }
        return true;
    }

    protected override TimeSpan GetNextDelay(PipelineMessage message, int tryCount) => StateOf(message).NextDelay;

    private static TryState StateOf(PipelineMessage message)
    {
        if (message.TryGetProperty(typeof(TryState), out var existing) && existing is TryState state) return state;
        state = new TryState();
        message.SetProperty(typeof(TryState), state);
        return state;
    }

    /// <summary>The wait before retry number <paramref name="retryCount"/> + 1, given the failed response if any.</summary>
    public TimeSpan ComputeDelay(PipelineResponse? response, int retryCount)
    {
        if (response is not null && TryGetServerDelay(response, out var requested))
            return Clamp(requested);

        var exponent = Math.Min(Math.Max(retryCount, 0), 20);
        var backoff = baseDelay.TotalMilliseconds * Math.Pow(2, exponent);
        // Jitter spreads clients that failed together, so they do not come back together.
        var jittered = backoff * (0.75 + Random.Shared.NextDouble() * 0.25);
        return Clamp(TimeSpan.FromMilliseconds(jittered));
    }

    private TimeSpan Clamp(TimeSpan delay) => delay < TimeSpan.Zero ? TimeSpan.Zero : delay > maxDelay ? maxDelay : delay;

    private static bool TryGetServerDelay(PipelineResponse response, out TimeSpan delay)
    {
        delay = default;
        if (response.Headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
        {
            delay = TimeSpan.FromMilliseconds(millis);
            return true;
        }
        if (response.Headers.TryGetValue("Retry-After", out var retryAfter) && !string.IsNullOrWhiteSpace(retryAfter))
        {
            if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                delay = TimeSpan.FromSeconds(seconds);
                return true;
            }
            if (DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            {
                delay = when - DateTimeOffset.UtcNow;
                return true;
            }
        }
        return false;
    }
}
