namespace KnowledgeBase.Grains.Accounts;

/// <summary>Failed sign-ins counted per client address: five failures within 15 minutes lock that address out of this
/// account for a doubling time (30 s up to 15 min). Other addresses, the owner's included, are not affected.</summary>
public sealed class LoginThrottle
{
    private const int FreeFailures = 5;
    private const int MaxAddresses = 1000;
    private static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);

    private readonly Dictionary<string, Entry> _addresses = new(StringComparer.Ordinal);

    public int? RetryAfter(string address, DateTimeOffset now)
        => _addresses.TryGetValue(address, out var entry) && now < entry.LockedUntil ? (int)Math.Ceiling((entry.LockedUntil - now).TotalSeconds) : null;

    public void Failed(string address, DateTimeOffset now)
    {
        if (!_addresses.TryGetValue(address, out var entry))
        {
            if (_addresses.Count >= MaxAddresses) Forget(now);
            _addresses[address] = entry = new Entry();
        }
        while (entry.Failures.Count > 0 && now - entry.Failures.Peek() > FailureWindow) entry.Failures.Dequeue();
        entry.Failures.Enqueue(now);
        entry.LastFailure = now;
        if (entry.Failures.Count < FreeFailures) return;
        entry.LockedUntil = now + TimeSpan.FromSeconds(Math.Min(MaxLockout.TotalSeconds, 30 * Math.Pow(2, entry.Lockouts++)));
        entry.Failures.Clear();
    }

    public void Succeeded(string address) => _addresses.Remove(address);

    // Addresses idle past the window go first; under a flood of distinct addresses, the oldest.
    private void Forget(DateTimeOffset now)
    {
        foreach (var (key, entry) in _addresses.Where(kv => now - kv.Value.LastFailure > FailureWindow && now >= kv.Value.LockedUntil).ToList())
            _addresses.Remove(key);
        if (_addresses.Count < MaxAddresses) return;
        foreach (var key in _addresses.OrderBy(kv => kv.Value.LastFailure).Take(_addresses.Count / 10 + 1).Select(kv => kv.Key).ToList())
            _addresses.Remove(key);
    }

    private sealed class Entry
    {
        public Queue<DateTimeOffset> Failures { get; } = new();
        public DateTimeOffset LastFailure { get; set; }
        public DateTimeOffset LockedUntil { get; set; }
        public int Lockouts { get; set; }
    }
}
