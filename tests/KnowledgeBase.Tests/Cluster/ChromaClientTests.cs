using System.Diagnostics;
using KnowledgeBase.Grains.Retrieval.Chroma;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace KnowledgeBase.Tests.Cluster;

/// <summary>One ChromaDB 1.0 server (npm chromadb) for the tests of a class.</summary>
public sealed class ChromaFixture : IAsyncLifetime
{
    public NodeServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await NodeServer.StartChromaAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>The client as the silo wires it (typed HttpClient with the resilience handler).</summary>
    public static ChromaClient Client(string url)
        => new ServiceCollection().AddChromaClient(new Uri(url)).BuildServiceProvider().GetRequiredService<ChromaClient>();
}

/// <summary>Our own REST v2 client against a real ChromaDB server.</summary>
[Trait(Tier.Name, Tier.Full)]
public sealed class ChromaClientTests(ChromaFixture chroma, ITestOutputHelper output) : IClassFixture<ChromaFixture>
{
    private readonly ChromaClient _client = ChromaFixture.Client(chroma.Server.Url);

    private async Task<ChromaCollection> NewCollectionAsync()
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..8];
        await _client.EnsureTenantAsync(tenant);
        await _client.EnsureDatabaseAsync(tenant, "kb-db");
        return await _client.GetOrCreateCollectionAsync(tenant, "kb-db", "chunks");
    }

    [Fact]
    public async Task Tenant_database_and_collection_are_created_when_missing_and_found_again()
    {
        var tenant = "kb-" + Guid.NewGuid().ToString("N")[..8];
        await _client.EnsureTenantAsync(tenant);
        await _client.EnsureTenantAsync(tenant);
        await _client.EnsureDatabaseAsync(tenant, "main");
        await _client.EnsureDatabaseAsync(tenant, "main");
        var first = await _client.GetOrCreateCollectionAsync(tenant, "main", "knowledge_base");
        var again = await _client.GetOrCreateCollectionAsync(tenant, "main", "knowledge_base");

        Assert.True(Guid.TryParse(first.Id, out _), "record endpoints take the collection's UUID");
        Assert.Equal(first.Id, again.Id);
        Assert.Equal((tenant, "main", "knowledge_base"), (first.Tenant, first.Database, first.Name));
        Assert.Equal(0, await _client.CountAsync(first));
        Assert.Throws<ArgumentException>(() => _client.EnsureTenantAsync("ab").GetAwaiter().GetResult());
    }

    [Fact]
    public async Task Upsert_query_get_and_delete_honour_metadata_filters()
    {
        var collection = await NewCollectionAsync();
        ChromaRecord Record(string id, string doc, int version, float[] vector, string? tag = null)
        {
            var metadata = new Dictionary<string, object> { ["document_id"] = doc, ["version"] = version };
            if (tag is not null) metadata["tag:" + tag] = true;
            return new ChromaRecord(id, vector, metadata, "본문 " + id);
        }
        await _client.UpsertAsync(collection,
        [
            Record("a_0000", "a", 1, [1, 0, 0], "hr-policy"),
            Record("a_0001", "a", 1, [0.9f, 0.1f, 0], "hr-policy"),
            Record("b_0000", "b", 2, [0.8f, 0.2f, 0]),
            Record("c_0000", "c", 1, [0, 0, 1], "security"),
        ]);

        var nearest = await _client.QueryAsync(collection, new float[] { 1, 0, 0 }, 3);
        Assert.Equal(["a_0000", "a_0001", "b_0000"], nearest.Select(m => m.Id));
        Assert.InRange(nearest[0].Distance!.Value, 0f, 0.001f);
        Assert.Equal("a", nearest[0].Metadata["document_id"]);
        Assert.Equal(1L, nearest[0].Metadata["version"]);

        var tagged = await _client.QueryAsync(collection, new float[] { 1, 0, 0 }, 10,
            ChromaWhere.Or(ChromaWhere.Eq("tag:security", true), ChromaWhere.Eq("tag:finance", true)), includeDocuments: true);
        Assert.Equal("c_0000", Assert.Single(tagged).Id);
        Assert.Equal("본문 c_0000", tagged[0].Document);

        var newer = await _client.GetAsync(collection, where: ChromaWhere.And(ChromaWhere.Gte("version", 2), ChromaWhere.Ne("document_id", "a")));
        Assert.Equal("b_0000", Assert.Single(newer).Id);
        Assert.Equal(2, (await _client.GetAsync(collection, where: ChromaWhere.In("document_id", ["b", "c"]))).Count);

        // Upsert overwrites by id: a's first chunk moves to version 2 and away from the query.
        await _client.UpsertAsync(collection, [Record("a_0000", "a", 2, [0, 1, 0], "hr-policy")]);
        Assert.Equal(2L, (await _client.GetAsync(collection, ids: ["a_0000"])).Single().Metadata["version"]);

        await _client.DeleteAsync(collection, where: ChromaWhere.Eq("document_id", "a"));
        Assert.Equal(2, await _client.CountAsync(collection));
        await _client.DeleteAsync(collection, ids: ["b_0000"]);
        Assert.Equal(["c_0000"], (await _client.GetAsync(collection)).Select(m => m.Id));
    }

    [Fact]
    public async Task Writes_larger_than_the_servers_max_batch_size_go_in_several_requests()
    {
        var collection = await NewCollectionAsync();
        var max = await _client.MaxBatchSizeAsync();
        Assert.InRange(max, 1, 100_000);
        var random = new Random(7);
        var records = Enumerable.Range(0, max + 25).Select(i => new ChromaRecord($"r_{i:00000}",
            Enumerable.Range(0, 8).Select(_ => (float)random.NextDouble()).ToArray(),
            new Dictionary<string, object> { ["document_id"] = "bulk", ["n"] = i })).ToList();

        var watch = Stopwatch.StartNew();
        await _client.UpsertAsync(collection, records);
        output.WriteLine($"upserted {records.Count} records (max batch {max}) in {watch.ElapsedMilliseconds} ms");
        Assert.Equal(records.Count, await _client.CountAsync(collection));

        watch.Restart();
        for (var i = 0; i < 20; i++) await _client.QueryAsync(collection, records[i].Embedding, 50);
        output.WriteLine($"query n=50 over {records.Count} records: {watch.Elapsed.TotalMilliseconds / 20:F1} ms each");

        await _client.DeleteAsync(collection, ids: records.Select(r => r.Id).ToList());
        Assert.Equal(0, await _client.CountAsync(collection));
    }

    [Fact]
    public async Task A_stopped_server_raises_VectorStoreUnavailableException_naming_the_server()
    {
        var own = await NodeServer.StartChromaAsync();
        var client = ChromaFixture.Client(own.Url);
        try
        {
            Assert.Equal("1.0.0", await client.VersionAsync());
        }
        finally
        {
            await own.DisposeAsync();
        }

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<VectorStoreUnavailableException>(() => client.EnsureTenantAsync("default_tenant"));
        output.WriteLine($"gave up after {watch.ElapsedMilliseconds} ms: {error.Message}");
        Assert.Contains(own.Url, error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), "retries are bounded");
    }
}
