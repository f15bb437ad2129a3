using Orleans.Hosting;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace KnowledgeBase.Grains.Clustering;

/// <summary>Places a grain keyed by a silo's address (<see cref="SiloAddress.ToParsableString"/>) on that silo, for work
/// on what only that silo holds (its local files). When that silo is gone the grain lands on the caller's, and must
/// see that its key is not where it runs.</summary>
[GenerateSerializer, Immutable]
public sealed class SiloKeyedPlacement : PlacementStrategy
{
    public static readonly SiloKeyedPlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloKeyedPlacementAttribute() : PlacementAttribute(SiloKeyedPlacement.Instance);

public sealed class SiloKeyedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString();
        var named = context.GetCompatibleSilos(target).FirstOrDefault(s => s.ToParsableString() == key);
        return Task.FromResult(named ?? context.LocalSilo);
    }
}

public static class SiloKeyedPlacementHostingExtensions
{
    public static ISiloBuilder AddSiloKeyedPlacement(this ISiloBuilder silo)
    {
        silo.Services.AddPlacementDirector<SiloKeyedPlacement, SiloKeyedPlacementDirector>();
        return silo;
    }
}
