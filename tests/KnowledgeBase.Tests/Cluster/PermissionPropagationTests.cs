using System.Diagnostics;
using KnowledgeBase.Grains.Permissions;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace KnowledgeBase.Tests.Cluster;

/// <summary>A permission change made through one silo is in force on the other within a second: a collection's read list
/// (pushed permission snapshot) and a document's move (pushed corpus change, applied in place to each silo's index).</summary>
[Collection(ClusterCollection.Name)]
public sealed class PermissionPropagationTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);

    private IReadOnlyList<InProcessSiloHandle> Silos => fixture.Cluster.GetActiveSilos().Cast<InProcessSiloHandle>().ToList();

    [Fact]
    public async Task A_list_change_and_a_move_made_on_one_silo_are_in_force_on_the_other_within_a_second()
    {
        var id = await ClusterDocuments.IngestAsync(fixture, "minimum-wage-act.md", "wage");
        const string query = "최저임금의 결정 기준";
        var member = new Caller("usr_propagation_member", Roles.Member);
        foreach (var silo in Silos)
            Assert.True(await ClusterDocuments.WaitUntilAsync(() => FindsAsync(silo, member, query, id), TimeSpan.FromSeconds(10)) < TimeSpan.FromSeconds(10));

        // The move and the new collection go through the first silo's grains; the second silo only reads.
        var (first, second) = (Silos[0], Silos[1]);
        var permissions = first.ServiceProvider.GetRequiredService<IGrainFactory>().GetGrain<IPermissionsGrain>("all");
        var closed = await permissions.CreateCollectionAsync("급여 기밀 " + Guid.NewGuid().ToString("N")[..6], AccessList.Nobody, AccessList.Nobody);
        var moved = Stopwatch.StartNew();
        await first.ServiceProvider.GetRequiredService<IGrainFactory>().GetGrain<IDocumentGrain>(id).MoveAsync(closed.CollectionId);
        foreach (var silo in Silos)
        {
            var hidden = await ClusterDocuments.WaitUntilAsync(async () => !await FindsAsync(silo, member, query, id), Limit * 3);
            output.WriteLine($"{silo.Name}: move in force {hidden.TotalMilliseconds:F0} ms after the call ({moved.ElapsedMilliseconds} ms since it began)");
            Assert.True(hidden < Limit, $"{silo.Name} still served the moved document to a member after {hidden}");
            Assert.True(await FindsAsync(silo, new Caller("usr_propagation_admin", Roles.Admin), query, id), "admins still find it");
        }

        await permissions.UpdateCollectionAsync(closed.CollectionId, null, AccessList.All, null);
        var opened = await ClusterDocuments.WaitUntilAsync(() => FindsAsync(second, member, query, id), Limit * 3);
        output.WriteLine($"{second.Name}: read list change in force after {opened.TotalMilliseconds:F0} ms");
        Assert.True(opened < Limit, $"the other silo applied the read list after {opened}");
    }

    /// <summary>Searches on the silo as the caller, with the readable collections its own permission cache gives.</summary>
    private static async Task<bool> FindsAsync(InProcessSiloHandle silo, Caller caller, string query, string documentId)
    {
        var access = await silo.ServiceProvider.GetRequiredService<PermissionCache>().AccessAsync(caller);
        var hits = await silo.ServiceProvider.GetRequiredService<IRetriever>().RetrieveAsync(query, 5, null, access.Readable);
        return hits.Any(h => h.DocumentId == documentId);
    }
}
