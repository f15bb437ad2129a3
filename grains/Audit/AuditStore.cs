using System.Data.Common;
using System.Globalization;
using KnowledgeBase.Grains.Storage;

namespace KnowledgeBase.Grains.Audit;

/// <summary>The AuditLog table (created by the schema scripts beside the grain-state tables) through plain ADO.NET on
/// the same database as grain state, so SQLite, PostgreSQL and SQL Server share one code path. Only inserts and reads:
/// nothing here updates or deletes an entry.</summary>
public sealed class AuditStore(DatabaseOptions database)
{
    private const string Columns = "Sequence, OccurredAtMs, ActorId, ActorEmail, Address, Action, Target, Detail, PreviousHash, Hash";

    /// <summary>The newest entry, or null for an empty log.</summary>
    public async Task<AuditEntry?> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(new AuditQuery(null, null, null, null, null, 1), cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Inserts the entry. A duplicate sequence (another writer appended first) fails with a
    /// <see cref="DbException"/>: the caller reads the head again and retries.</summary>
    public async Task InsertAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        await using var connection = DatabaseSchema.CreateConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO AuditLog ({Columns}) VALUES (@Sequence, @OccurredAtMs, @ActorId, @ActorEmail, @Address, @Action, @Target, @Detail, @PreviousHash, @Hash)";
        Add(command, "@Sequence", entry.Sequence);
        Add(command, "@OccurredAtMs", entry.OccurredAt.ToUnixTimeMilliseconds());
        Add(command, "@ActorId", entry.ActorId);
        Add(command, "@ActorEmail", entry.ActorEmail);
        Add(command, "@Address", entry.Address);
        Add(command, "@Action", entry.Action);
        Add(command, "@Target", entry.Target);
        Add(command, "@Detail", entry.Detail);
        Add(command, "@PreviousHash", entry.PreviousHash);
        Add(command, "@Hash", entry.Hash);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Appends one event after the current head, retrying when another writer got there first. For writers
    /// outside the cluster (the restore command); inside it, <see cref="IAuditLogGrain"/> keeps the head in memory.</summary>
    public async Task<AuditEntry> AppendAsync(AuditEvent auditEvent, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var entry = Next(await ReadHeadAsync(cancellationToken), auditEvent, now);
            try
            {
                await InsertAsync(entry, cancellationToken);
                return entry;
            }
            catch (DbException) when (attempt < 10) { }
        }
    }

    /// <summary>The entry that follows <paramref name="head"/> (null: the first entry).</summary>
    public static AuditEntry Next(AuditEntry? head, AuditEvent auditEvent, DateTimeOffset now)
    {
        var e = AuditChain.Bounded(auditEvent);
        var sequence = (head?.Sequence ?? 0) + 1;
        var previous = head?.Hash ?? AuditChain.Genesis;
        // Stored to the millisecond, so the hash is made from the time as it will be read back.
        var at = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        var hash = AuditChain.HashOf(sequence, at.ToUnixTimeMilliseconds(), e, previous);
        return new AuditEntry(sequence, at, e.ActorId, e.ActorEmail, e.Address, e.Action, e.Target, e.Detail, previous, hash);
    }

    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        await using var connection = DatabaseSchema.CreateConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        if (query.From is { } from) { where.Add("OccurredAtMs >= @From"); Add(command, "@From", from.ToUnixTimeMilliseconds()); }
        if (query.To is { } to) { where.Add("OccurredAtMs < @To"); Add(command, "@To", to.ToUnixTimeMilliseconds()); }
        if (query.Actor is { Length: > 0 } actor) { where.Add("(ActorId = @Actor OR ActorEmail = @Actor)"); Add(command, "@Actor", actor); }
        if (query.Action is { Length: > 0 } action)
        {
            // "auth." means every action under auth; '_' and '%' in a name are literal, not LIKE wildcards.
            var prefix = action.EndsWith('.');
            where.Add(prefix ? "Action LIKE @Action ESCAPE '!'" : "Action = @Action");
            Add(command, "@Action", prefix ? action.Replace("!", "!!").Replace("_", "!_").Replace("%", "!%") + "%" : action);
        }
        if (query.BeforeSequence is { } before) { where.Add("Sequence < @Before"); Add(command, "@Before", before); }
        if (query.AfterSequence is { } after) { where.Add("Sequence > @After"); Add(command, "@After", after); }
        var order = query.Ascending ? "ASC" : "DESC";
        var limit = Math.Clamp(query.Limit, 1, 10_000);
        var filter = where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where);
        command.CommandText = database.Dialect == DatabaseDialect.SqlServer
            ? $"SELECT {Columns} FROM AuditLog{filter} ORDER BY Sequence {order} OFFSET 0 ROWS FETCH NEXT {limit} ROWS ONLY"
            : $"SELECT {Columns} FROM AuditLog{filter} ORDER BY Sequence {order} LIMIT {limit}";
        command.CommandTimeout = 120;
        var entries = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            entries.Add(new AuditEntry(
                Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
                DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)),
                reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
                reader.GetString(7), reader.GetString(8), reader.GetString(9)));
        return entries;
    }

    /// <summary>Walks the whole chain in pages, oldest first, and reports the first entry that does not fit.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        AuditEntry? previous = null;
        long checkedCount = 0;
        while (true)
        {
            var page = await QueryAsync(new AuditQuery(null, null, null, null, null, 1000, Ascending: true, AfterSequence: previous?.Sequence ?? 0), cancellationToken);
            if (page.Count == 0) return new AuditVerification(true, checkedCount, null, null, previous?.Sequence);
            if (AuditChain.FirstBroken(previous, page) is { } broken)
                return new AuditVerification(false, checkedCount + page.TakeWhile(e => e != broken.Entry).Count(), broken.Entry.Sequence, broken.Reason, null);
            checkedCount += page.Count;
            previous = page[^1];
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
