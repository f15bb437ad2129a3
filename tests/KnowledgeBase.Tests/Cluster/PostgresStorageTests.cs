using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace KnowledgeBase.Tests.Cluster;

public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;
    public string DatabaseUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Server = await PostgresServer.StartAsync();
        await Server.CreateDatabaseAsync("kb");
        DatabaseUrl = Server.Url("kb");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Grain state through Orleans' ADO.NET provider on a real PostgreSQL server, with this project's schema.</summary>
[Trait(Tier.Name, Tier.Full)]
public sealed class PostgresStorageTests : IClassFixture<PostgresFixture>
{
    private static string _databaseUrl = "";

    public PostgresStorageTests(PostgresFixture fixture) => _databaseUrl = fixture.DatabaseUrl;

    [Fact]
    public async Task Schema_applies_twice_and_grain_state_survives_a_cluster_restart()
    {
        var options = DatabaseOptions.Parse(_databaseUrl, Path.GetTempPath());
        DatabaseSchema.EnsureCreated(options);
        DatabaseSchema.EnsureCreated(options); // idempotent

        var userId = "usr_" + Guid.NewGuid().ToString("N")[..16];
        string conversationId;
        await using (var cluster = await StartClusterAsync())
        {
            var grain = cluster.GrainFactory.GetGrain<IUserSessionGrain>(userId);
            await grain.InitializeAsync(new UserProfile(userId, "pg@soosan.com", "피지", Roles.Member, DateTimeOffset.UtcNow), new BudgetLimits(1000_000, 2000_000));
            var events = new List<ChatEvent>();
            // Small talk reaches the model and is charged even with no documents here (a question no document answers is not).
            await foreach (var e in grain.AskAsync(new ChatRequest("안녕하세요, 반갑습니다", null))) events.Add(e);
            conversationId = ((MetaEvent)events[0]).ConversationId;
            await grain.SetBudgetAsync(new BudgetLimits(12_345, 67_890));
            await cluster.StopAllSilosAsync();
        }

        await using (var cluster = await StartClusterAsync())
        {
            var grain = cluster.GrainFactory.GetGrain<IUserSessionGrain>(userId);
            var usage = await grain.GetUsageAsync();
            Assert.Equal(new BudgetLimits(12_345, 67_890), usage!.Limits);
            Assert.True(usage.UsedToday > 0);
            var conversation = await grain.GetConversationAsync(conversationId);
            Assert.Equal("안녕하세요, 반갑습니다", conversation!.Turns.Single().Question);
            await cluster.StopAllSilosAsync();
        }

        await using var connection = new NpgsqlConnection(options.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM OrleansStorage WHERE convert_from(PayloadBinary, 'UTF8') LIKE '%pg@soosan.com%'", connection);
        Assert.True((long)(await command.ExecuteScalarAsync())! >= 1, "state is stored as readable JSON");
    }

    [Fact]
    public async Task A_stale_write_is_refused_instead_of_overwriting_newer_state()
    {
        var options = DatabaseOptions.Parse(_databaseUrl, Path.GetTempPath());
        DatabaseSchema.EnsureCreated(options);
        await using var connection = new NpgsqlConnection(options.ConnectionString);
        await connection.OpenAsync();
        string Query(string key)
        {
            using var c = new NpgsqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @k", connection);
            c.Parameters.AddWithValue("k", key);
            return (string)c.ExecuteScalar()!;
        }
        async Task<int?> WriteAsync(int? version, string payload)
        {
            await using var c = new NpgsqlCommand(Query("WriteToStorageKey"), connection);
            c.Parameters.AddWithValue("GrainIdHash", 1);
            c.Parameters.AddWithValue("GrainIdN0", 2L);
            c.Parameters.AddWithValue("GrainIdN1", 3L);
            c.Parameters.AddWithValue("GrainTypeHash", 4);
            c.Parameters.AddWithValue("GrainTypeString", "test.grain");
            c.Parameters.AddWithValue("GrainIdExtensionString", "stale-" + _databaseUrl.GetHashCode());
            c.Parameters.AddWithValue("ServiceId", "svc");
            c.Parameters.AddWithValue("PayloadBinary", System.Text.Encoding.UTF8.GetBytes(payload));
            c.Parameters.Add(new NpgsqlParameter("GrainStateVersion", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)version ?? DBNull.Value });
            return await c.ExecuteScalarAsync() is int v ? v : null;
        }
        Assert.Equal(1, await WriteAsync(null, "first"));
        Assert.Equal(2, await WriteAsync(1, "second"));
        Assert.Null(await WriteAsync(1, "stale"));
        Assert.Null(await WriteAsync(null, "duplicate insert"));
    }

    private static async Task<TestCluster> StartClusterAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.Options.ServiceId = "kb-postgres-test"; // grain state is keyed by service id; both clusters must share it
        builder.AddSiloBuilderConfigurator<PostgresSilo>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private sealed class PostgresSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var root = Path.Combine(Path.GetTempPath(), "kb-pg-silo", Guid.NewGuid().ToString("N")[..8]);
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DATABASE_URL"] = _databaseUrl,
                ["DATA_DIR"] = Path.Combine(root, "data"),
                ["STORAGE_DIR"] = Path.Combine(root, "storage"),
                ["LOG_DIR"] = Path.Combine(root, "logs"),
            }).Build();
            silo.AddGrainStorage(config);
            silo.UseInMemoryReminderService();
            silo.Services.AddKnowledgeBaseServices(config);
        }
    }
}
