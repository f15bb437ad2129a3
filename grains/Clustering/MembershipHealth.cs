namespace KnowledgeBase.Grains.Clustering;

/// <summary>What this process last learnt about the cluster's membership, for readiness and the operations figures: a
/// silo whose table cannot be read or that is missing from it is not ready; an api with no connected gateway is not.</summary>
public sealed class MembershipHealth
{
    private readonly Lock _gate = new();

    public DateTimeOffset? LastReadAt { get; private set; }
    public bool Listed { get; private set; }
    public string? LastError { get; private set; }
    public DateTimeOffset? LastErrorAt { get; private set; }
    public DateTimeOffset? LostAt { get; private set; }
    public DateTimeOffset? HealedAt { get; private set; }
    public int Losses { get; private set; }

    /// <summary>Gateways the api is connected to (client processes only; null in a silo).</summary>
    public int? ConnectedGateways { get; private set; }

    /// <summary>Gateways the membership table listed at the last refresh (client processes only).</summary>
    public int? ListedGateways { get; private set; }

    public void Read(bool listed, DateTimeOffset at)
    {
        lock (_gate) { LastReadAt = at; Listed = listed; LastError = null; }
    }

    public void ReadFailed(Exception error, DateTimeOffset at)
    {
        lock (_gate) { LastError = $"{error.GetType().Name}: {error.Message}"; LastErrorAt = at; }
    }

    public void Lost(DateTimeOffset at)
    {
        lock (_gate) { LostAt = at; Losses++; }
    }

    public void Healed(DateTimeOffset at)
    {
        lock (_gate) HealedAt = at;
    }

    public void GatewaysConnected(int count)
    {
        lock (_gate) ConnectedGateways = count;
    }

    public void GatewaysListed(int count, DateTimeOffset at)
    {
        lock (_gate) { ListedGateways = count; LastReadAt = at; LastError = null; }
    }
}
