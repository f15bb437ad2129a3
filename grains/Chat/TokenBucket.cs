namespace KnowledgeBase.Grains.Chat;

/// <summary>Requests per minute as a token bucket (bursts up to the limit, refilled evenly), plus the count of the last minute.</summary>
public sealed class TokenBucket(int perMinute)
{
    private readonly Queue<DateTimeOffset> _recent = new();
    private double _tokens = perMinute;
    private DateTimeOffset _refilledAt = DateTimeOffset.MinValue;

    public int PerMinute { get; private set; } = perMinute;

    /// <summary>Changes the limit in place: requests already made still count, so raising the limit by N frees N
    /// requests and lowering it takes the difference away (never below none).</summary>
    public void SetLimit(int perMinute)
    {
        if (perMinute == PerMinute) return;
        _tokens = Math.Clamp(_tokens + perMinute - PerMinute, 0, perMinute);
        PerMinute = perMinute;
    }

    /// <returns>null when admitted; otherwise the seconds to wait.</returns>
    public int? TryTake(DateTimeOffset now)
    {
        Refill(now);
        if (_tokens < 1)
        {
            var seconds = (1 - _tokens) * 60.0 / PerMinute;
            return Math.Max(1, (int)Math.Ceiling(seconds));
        }
        _tokens -= 1;
        _recent.Enqueue(now);
        return null;
    }

    public int CountLastMinute(DateTimeOffset now)
    {
        while (_recent.Count > 0 && now - _recent.Peek() > TimeSpan.FromMinutes(1)) _recent.Dequeue();
        return _recent.Count;
    }

    private void Refill(DateTimeOffset now)
    {
        if (_refilledAt != DateTimeOffset.MinValue)
            _tokens = Math.Min(PerMinute, _tokens + (now - _refilledAt).TotalSeconds * PerMinute / 60.0);
        _refilledAt = now;
    }
}
