namespace KnowledgeBase.Grains.Storage;

public enum DatabaseDialect { Sqlite, PostgreSql, SqlServer }

/// <summary>The grain-state database, parsed from DATABASE_URL (sqlite:///path, postgres://user:pass@host:port/db,
/// sqlserver://user:pass@host:port/db) or, when unset, a SQLite file under DATA_DIR.</summary>
public sealed record DatabaseOptions(DatabaseDialect Dialect, string ConnectionString)
{
    /// <summary>The ADO.NET invariant name Orleans uses to load the driver.</summary>
    public string Invariant => Dialect switch
    {
        DatabaseDialect.Sqlite => "System.Data.SQLite",
        DatabaseDialect.PostgreSql => "Npgsql",
        _ => "Microsoft.Data.SqlClient",
    };

    /// <summary>Connections each process may hold (DATABASE_POOL_SIZE). Every silo has its own pool, so the database
    /// must allow silos x pool (plus a few for operators): 8 keeps 12 silos (the prod autoscaler's maximum) under
    /// PostgreSQL's default max_connections of 100. A call that finds the pool busy waits for a connection.</summary>
    public const int DefaultPoolSize = 8;

    public static DatabaseOptions Parse(string? url, string dataDir, int poolSize = DefaultPoolSize)
    {
        if (string.IsNullOrWhiteSpace(url))
            return Sqlite(Path.Combine(dataDir, "knowledgebase.db"));

        if (url.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            // sqlite:///relative/path.db and sqlite:////absolute/path.db, as in SQLAlchemy-style URLs.
            var path = url["sqlite:".Length..];
            if (path.StartsWith("////")) path = path[3..];
            else if (path.StartsWith("///")) path = path[3..];
            else if (path.StartsWith("//")) path = path[2..];
            if (path.Length == 0) throw new ArgumentException("DATABASE_URL: sqlite URL has no file path (example: sqlite:///data/users.db).");
            return Sqlite(path);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            throw new ArgumentException("DATABASE_URL is not a valid URL (examples: sqlite:///data/kb.db, postgres://user:pass@host:5432/kb, sqlserver://user:pass@host:1433/kb).");

        var (user, password) = SplitUserInfo(uri);
        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        switch (uri.Scheme.ToLowerInvariant())
        {
            case "postgres":
            case "postgresql":
                return new DatabaseOptions(DatabaseDialect.PostgreSql,
                    $"Host={uri.Host};Port={(uri.Port > 0 ? uri.Port : 5432)};Username={user};Password={password};Database={database};Maximum Pool Size={poolSize}");
            case "sqlserver":
            case "mssql":
                return new DatabaseOptions(DatabaseDialect.SqlServer,
                    $"Server={uri.Host},{(uri.Port > 0 ? uri.Port : 1433)};User ID={user};Password={password};Database={database};TrustServerCertificate=True;Max Pool Size={poolSize}");
            default:
                throw new ArgumentException($"DATABASE_URL scheme '{uri.Scheme}' is not supported (use sqlite, postgres or sqlserver).");
        }
    }

    private static DatabaseOptions Sqlite(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return new DatabaseOptions(DatabaseDialect.Sqlite, $"Data Source={full};Default Timeout=30;Pooling=True");
    }

    private static (string User, string Password) SplitUserInfo(Uri uri)
    {
        var parts = uri.UserInfo.Split(':', 2);
        return (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
    }

    /// <summary>For logs: the connection without its password.</summary>
    public override string ToString() => $"{Dialect} ({System.Text.RegularExpressions.Regex.Replace(ConnectionString, "(?i)password=[^;]*", "Password=***")})";
}
