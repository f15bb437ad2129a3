using KnowledgeBase.Grains.Audit;
using KnowledgeBase.Grains.Storage;
using KnowledgeBase.Tests.Cluster;
using Npgsql;

namespace KnowledgeBase.Tests.Audit;

/// <summary>The audit store on a real PostgreSQL server: concurrent writers never fork the chain, filters work, and a
/// changed row is found.</summary>
public sealed class PostgresAuditStoreTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Concurrent_writers_keep_one_intact_chain_and_a_changed_row_breaks_it()
    {
        var database = DatabaseOptions.Parse(fixture.DatabaseUrl, Path.GetTempPath());
        DatabaseSchema.EnsureCreated(database);
        var stores = Enumerable.Range(0, 4).Select(_ => new AuditStore(database)).ToList();
        await Task.WhenAll(stores.Select((store, w) => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
                await store.AppendAsync(new AuditEvent($"usr_{w}", $"writer{w}@soosan.com", "10.0.0." + w, AuditActions.DocumentUploaded, $"doc_{w}{i:D11}", $"파일={i}.md"), DateTimeOffset.UtcNow);
        })));

        var verification = await stores[0].VerifyAsync();
        Assert.True(verification.Intact, verification.Reason);
        Assert.Equal(40, verification.Checked);

        var writer2 = await stores[0].QueryAsync(new AuditQuery(null, null, "writer2@soosan.com", "document.", null, 100));
        Assert.Equal(10, writer2.Count);
        Assert.All(writer2, e => Assert.Equal("10.0.0.2", e.Address));
        Assert.Equal("파일=9.md", writer2[0].Detail);

        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var tamper = new NpgsqlCommand("UPDATE AuditLog SET Detail = 'changed' WHERE Sequence = 17", connection);
            await tamper.ExecuteNonQueryAsync();
        }
        var broken = await stores[0].VerifyAsync();
        Assert.False(broken.Intact);
        Assert.Equal(17, broken.FirstBrokenSequence);
    }
}
