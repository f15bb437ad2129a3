using System.Net;
using Microsoft.Extensions.Logging;
using Orleans.Messaging;

namespace KnowledgeBase.Grains.Clustering;

/// <summary>The api's list of gateways, read from the membership table, that never goes blank: an empty table (Redis
/// lost its data; the silos re-register within seconds, see <see cref="HealingMembershipTable"/>) keeps the gateways
/// of the last non-empty read instead of dropping every connection to the cluster. An api starting while the table is
/// empty waits for it (the client's connection retry) rather than exiting.</summary>
public sealed partial class ResilientGatewayListProvider(IGatewayListProvider inner, MembershipHealth health, TimeProvider clock,
    ILogger<ResilientGatewayListProvider> logger) : IGatewayListProvider
{
    private IList<Uri> _last = [];

    public TimeSpan MaxStaleness => inner.MaxStaleness;

    [Obsolete("Orleans no longer reads it")]
    public bool IsUpdatable => true;

    public Task InitializeGatewayListProviderAsync(CancellationToken cancellationToken = default) => inner.InitializeGatewayListProviderAsync(cancellationToken);

    Task IGatewayListProvider.InitializeGatewayListProvider() => InitializeGatewayListProviderAsync();

    Task<IList<Uri>> IGatewayListProvider.GetGateways() => GetGatewaysAsync();

    public async Task<IList<Uri>> GetGatewaysAsync(CancellationToken cancellationToken = default)
    {
        IList<Uri> gateways;
        try
        {
            gateways = await inner.GetGatewaysAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            health.ReadFailed(ex, clock.GetUtcNow());
            throw;
        }
        health.GatewaysListed(gateways.Count, clock.GetUtcNow());
        if (gateways.Count > 0) return _last = gateways;
        if (_last.Count == 0) return _last;
        // Of the known ones, only those still listening: a silo killed shortly before the loss (its death not yet in the
        // table) must not be handed calls until the silos have re-registered. If none answers, all are kept to try again.
        var listening = await Reachability.ListeningAsync(_last, g => new IPEndPoint(IPAddress.Parse(g.Host), g.Port), cancellationToken);
        var kept = listening.Count > 0 ? listening : _last;
        LogKeptLast(logger, kept.Count, _last.Count - listening.Count);
        return kept;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The membership table lists no gateway; keeping {Count} known ones until silos re-register ({Gone} not listening left out)")]
    private static partial void LogKeptLast(ILogger logger, int count, int gone);
}

/// <summary>Counts the gateways the api is connected to, for readiness.</summary>
public sealed class GatewayConnectionObserver(MembershipHealth health) : IClusterConnectionStatusObserver
{
    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
        => health.GatewaysConnected(currentNumberOfGateways);

    public void NotifyClusterConnectionLost() => health.GatewaysConnected(0);
}
