namespace KnowledgeBase.Contracts;

/// <summary>The problem `type` codes of temporary outages, in one place: the api answers each with 503 and Retry-After,
/// a chat stream that already started ends with an `error` event carrying the same code.</summary>
public static class TransientCodes
{
    /// <summary>The grain-state database could not be reached or refused the connection (stopped, too many clients).</summary>
    public const string Storage = ErrorCodes.StorageUnavailable;

    /// <summary>Another activation of the same grain wrote its state first (a failover moment); the grain re-reads it.</summary>
    public const string StateConflict = ErrorCodes.StateConflict;

    /// <summary>The vector store (ChromaDB) cannot be reached.</summary>
    public const string VectorStore = ErrorCodes.VectorStoreUnavailable;

    /// <summary>A silo died or stopped answering with the call in flight, or the cluster's membership is unreadable.</summary>
    public const string Cluster = ErrorCodes.ClusterUnavailable;

    /// <summary>Seconds a client should wait before retrying, per code.</summary>
    public static int RetryAfterSeconds(string code) => code switch
    {
        VectorStore => 5,
        Storage => 3,
        _ => 1,
    };
}

/// <summary>A temporary failure inside a grain call, carried across the grain boundary in a form every process can
/// deserialise (driver exceptions such as Npgsql's are not serialisable by Orleans). Raised by the silo's grain-call
/// filter from the original error; the original stays in the silo's log.</summary>
[GenerateSerializer, Alias("kb.TransientException")]
public sealed class TransientException : Exception
{
    public TransientException() : this(TransientCodes.Cluster, "temporary failure") { }

    public TransientException(string code, string message) : base(message)
    {
        Code = code;
        RetryAfterSeconds = TransientCodes.RetryAfterSeconds(code);
    }

    [Id(0)] public string Code { get; set; }

    [Id(1)] public int RetryAfterSeconds { get; set; }
}
