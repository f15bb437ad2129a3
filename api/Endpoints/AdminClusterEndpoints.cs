using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KnowledgeBase.Api.Endpoints;

public sealed record SiloView(string Address, string Name, string HostName, string Status, DateTimeOffset StartedAt, int Activations,
    IReadOnlyDictionary<string, int> ActivationsByGrain);

public sealed record ClusterView(IReadOnlyList<SiloView> Silos, int Activations, DateTimeOffset GeneratedAt);

/// <summary>For operators: the silos the cluster's membership table lists as active, and how many grains each one hosts
/// now (by grain class), from Orleans' management grain.</summary>
public static class AdminClusterEndpoints
{
    public static RouteGroupBuilder MapAdminCluster(this RouteGroupBuilder admin)
    {
        admin.MapGet("/cluster", ClusterAsync);
        return admin;
    }

    private static async Task<Ok<ClusterView>> ClusterAsync([FromServices] IClusterClient grains, [FromServices] TimeProvider clock)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: true);
        var statistics = await management.GetSimpleGrainStatistics();
        var silos = hosts.OrderBy(h => h.SiloName, StringComparer.Ordinal).Select(host =>
        {
            var mine = statistics.Where(s => s.SiloAddress.Equals(host.SiloAddress) && s.ActivationCount > 0).ToList();
            var byGrain = mine.GroupBy(s => ShortName(s.GrainType)).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount));
            return new SiloView(host.SiloAddress.ToString(), host.SiloName, host.HostName, host.Status.ToString(),
                new DateTimeOffset(host.StartTime, TimeSpan.Zero), mine.Sum(s => s.ActivationCount), byGrain);
        }).ToList();
        return TypedResults.Ok(new ClusterView(silos, silos.Sum(s => s.Activations), clock.GetUtcNow()));
    }

    // "KnowledgeBase.Grains.UserSessionGrain" -> "UserSessionGrain"; generic and system types keep their last segment too.
    private static string ShortName(string grainType)
    {
        var name = grainType.Split(',', 2)[0];
        return name[(name.LastIndexOf('.') + 1)..];
    }
}
