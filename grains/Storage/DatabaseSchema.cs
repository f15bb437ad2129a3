using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace KnowledgeBase.Grains.Storage;

/// <summary>Applies this project's schema script for the configured database. Idempotent; runs before the silo starts.</summary>
public static class DatabaseSchema
{
    public static void EnsureCreated(DatabaseOptions options)
    {
        var script = LoadScript(options.Dialect);
        using var connection = CreateConnection(options);
        connection.Open();
        foreach (var batch in SplitBatches(script, options.Dialect))
        {
            using var command = connection.CreateCommand();
            command.CommandText = batch;
            command.CommandTimeout = 60;
            command.ExecuteNonQuery();
        }
    }

    public static DbConnection CreateConnection(DatabaseOptions options) => options.Dialect switch
    {
        DatabaseDialect.Sqlite => new SqliteConnection(options.ConnectionString),
        DatabaseDialect.PostgreSql => new NpgsqlConnection(options.ConnectionString),
        _ => new SqlConnection(options.ConnectionString),
    };

    public static string LoadScript(DatabaseDialect dialect)
    {
        var name = dialect switch
        {
            DatabaseDialect.Sqlite => "sqlite.sql",
            DatabaseDialect.PostgreSql => "postgresql.sql",
            _ => "sqlserver.sql",
        };
        var assembly = typeof(DatabaseSchema).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + name, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>SQL Server scripts separate batches with GO lines; the others run as one batch.</summary>
    private static IEnumerable<string> SplitBatches(string script, DatabaseDialect dialect)
    {
        if (dialect != DatabaseDialect.SqlServer) return [script];
        return System.Text.RegularExpressions.Regex.Split(script, @"^\s*GO\s*$", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Where(b => !string.IsNullOrWhiteSpace(b));
    }
}
