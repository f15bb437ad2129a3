using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using KnowledgeBase.Grains.Storage;

namespace KnowledgeBase.Grains.Backup;

/// <summary>Exports and imports the grain-state table (users, conversations, budgets, documents: everything grains
/// persist) as JSON lines through plain ADO.NET, so SQLite, PostgreSQL and SQL Server share one code path and a backup
/// taken on one can be restored on another.</summary>
public static class DatabaseExport
{
    public const string FileName = "OrleansStorage.jsonl";

    private const string Columns = "GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version";

    public sealed record Row(int GrainIdHash, long GrainIdN0, long GrainIdN1, int GrainTypeHash, string GrainTypeString,
        string GrainIdExtensionString, string ServiceId, byte[]? PayloadBinary, DateTime ModifiedOn, int Version);

    /// <summary>Writes every row to the file in one read (a consistent snapshot on PostgreSQL and SQLite); returns the row count.</summary>
    public static async Task<int> ExportAsync(DatabaseOptions database, string path, CancellationToken cancellationToken)
    {
        await using var connection = DatabaseSchema.CreateConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {Columns} FROM OrleansStorage ORDER BY GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString";
        command.CommandTimeout = 600;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await using var file = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false));
        var rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new Row(
                Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture),
                Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture),
                reader.GetString(4),
                reader.IsDBNull(5) ? "" : reader.GetString(5),
                reader.GetString(6),
                reader.IsDBNull(7) ? null : (byte[])reader.GetValue(7),
                ReadTime(reader.GetValue(8)),
                Convert.ToInt32(reader.GetValue(9), CultureInfo.InvariantCulture));
            await file.WriteLineAsync(JsonSerializer.Serialize(row, BackupManifest.Json).ReplaceLineEndings(""));
            rows++;
        }
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    /// <summary>Replaces every row with the file's rows in one transaction: all or nothing.</summary>
    public static async Task<int> ImportAsync(DatabaseOptions database, string path, CancellationToken cancellationToken)
    {
        // SQLite connections are pooled per connection string: one opened before the file was deleted or replaced still
        // points at the old file, and a later reader would find no tables there.
        if (database.Dialect == DatabaseDialect.Sqlite) Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        DatabaseSchema.EnsureCreated(database);
        await using var connection = DatabaseSchema.CreateConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var clear = connection.CreateCommand())
        {
            clear.Transaction = transaction;
            clear.CommandText = "DELETE FROM OrleansStorage";
            clear.CommandTimeout = 600;
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        var names = Columns.Split(", ");
        insert.CommandText = $"INSERT INTO OrleansStorage ({Columns}) VALUES ({string.Join(", ", names.Select(n => "@" + n))})";
        var parameters = names.Select(n =>
        {
            var p = insert.CreateParameter();
            p.ParameterName = "@" + n;
            insert.Parameters.Add(p);
            return p;
        }).ToArray();
        parameters[7].DbType = DbType.Binary;

        var rows = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0) continue;
            var row = JsonSerializer.Deserialize<Row>(line, BackupManifest.Json)!;
            parameters[0].Value = row.GrainIdHash;
            parameters[1].Value = row.GrainIdN0;
            parameters[2].Value = row.GrainIdN1;
            parameters[3].Value = row.GrainTypeHash;
            parameters[4].Value = row.GrainTypeString;
            parameters[5].Value = row.GrainIdExtensionString;
            parameters[6].Value = row.ServiceId;
            parameters[7].Value = (object?)row.PayloadBinary ?? DBNull.Value;
            // SQLite keeps the time as ISO text (as the storage queries write it); the others have a time type.
            parameters[8].Value = database.Dialect == DatabaseDialect.Sqlite
                ? row.ModifiedOn.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
                : row.ModifiedOn;
            parameters[9].Value = row.Version;
            await insert.ExecuteNonQueryAsync(cancellationToken);
            rows++;
        }
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    private static DateTime ReadTime(object value) => value switch
    {
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
        DateTimeOffset o => o.UtcDateTime,
        string s => DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
        _ => throw new InvalidDataException($"Unexpected ModifiedOn value of type {value.GetType().Name}."),
    };

    /// <summary>Used by tests and the restore report: how many rows the live table has.</summary>
    public static async Task<long> CountAsync(DatabaseOptions database, CancellationToken cancellationToken)
    {
        await using var connection = DatabaseSchema.CreateConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM OrleansStorage";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
