using System.Diagnostics;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace KnowledgeBase.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class SynonymPropagationTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private IEnumerable<InProcessSiloHandle> Silos => fixture.Cluster.GetActiveSilos().Cast<InProcessSiloHandle>();

    private static async Task<bool> AllAsync(IEnumerable<InProcessSiloHandle> silos, Func<QueryExpander, bool> condition, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
        {
            if (silos.All(s => condition(s.ServiceProvider.GetRequiredService<QueryExpander>()))) return true;
            await Task.Delay(10);
        }
        return false;
    }

    [Fact]
    public async Task A_saved_synonym_set_expands_questions_on_every_silo_within_a_second()
    {
        var grain = fixture.Grains.GetGrain<ISynonymSetsGrain>("all");
        // Silos subscribe when they start; the first set also waits for that.
        await grain.SetAsync([["연장근로", "초록달팽이"]], "test");
        Assert.True(await AllAsync(Silos, e => e.Expand("초록달팽이 수당").Terms.Contains("연장근로"), TimeSpan.FromSeconds(60)), "silos never subscribed");

        var saved = Stopwatch.StartNew();
        await grain.SetAsync([["육아휴직", "파랑고래"]], "test");
        var everywhere = await AllAsync(Silos, e => e.Expand("파랑고래 기간").Terms.Contains("육아휴직"), TimeSpan.FromSeconds(1));
        output.WriteLine($"applied on {Silos.Count()} silos {saved.ElapsedMilliseconds} ms after the save returned");
        Assert.True(everywhere, "the new set was not applied on every silo within 1 s");
        // The replaced set no longer applies anywhere.
        Assert.All(Silos, s => Assert.DoesNotContain("연장근로", s.ServiceProvider.GetRequiredService<QueryExpander>().Expand("초록달팽이 수당").Terms));
    }
}
