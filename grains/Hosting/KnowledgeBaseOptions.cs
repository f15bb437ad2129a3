namespace KnowledgeBase.Grains.Hosting;

/// <summary>Where the embedded parts keep their files, and the knobs of chat and ingestion. Bound from environment variables.</summary>
public sealed class KnowledgeBaseOptions
{
    /// <summary>Indexes and the SQLite database (DATA_DIR, default ./data).</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>Original files when no S3 bucket is configured (STORAGE_DIR, default ./storage).</summary>
    public string StorageDir { get; set; } = "storage";

    /// <summary>Query logs (LOG_DIR, default ./logs).</summary>
    public string LogDir { get; set; } = "logs";

    /// <summary>Largest accepted upload (MAX_UPLOAD_MB, default 50).</summary>
    public long MaxUploadBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Chunk size and overlap in model tokens (CHUNK_TOKENS, CHUNK_OVERLAP_TOKENS).</summary>
    public int ChunkTokens { get; set; } = 400;
    public int ChunkOverlapTokens { get; set; } = 60;

    /// <summary>Sources put in a prompt (RETRIEVAL_TOP_K) and the prompt's token budget for them (CONTEXT_TOKENS).</summary>
    public int RetrievalTopK { get; set; } = 5;
    public int ContextTokens { get; set; } = 6000;

    /// <summary>Upper bound of an answer (MAX_COMPLETION_TOKENS); reserved in full before generation.</summary>
    public int MaxCompletionTokens { get; set; } = 800;

    /// <summary>Longest wait for the model's next piece of an answer, the first included (CHAT_MODEL_IDLE_TIMEOUT_SECONDS,
    /// default 60): past it the turn ends with model_timeout instead of waiting on a model that never answers.</summary>
    public TimeSpan ModelIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Embedding calls per batch (EMBED_BATCH_SIZE).</summary>
    public int EmbeddingBatchSize { get; set; } = 64;
}

/// <summary>Per-user defaults; an admin can change a user's budget.</summary>
public sealed class LimitsOptions
{
    public int RequestsPerMinute { get; set; } = 20;

    /// <summary>Searches (/api/search) one user may make per minute (SEARCH_RATE_LIMIT_PER_MINUTE): a limit of their own,
    /// apart from chat's, since a search is one embedding call and pages search more often than people ask.</summary>
    public int SearchRequestsPerMinute { get; set; } = 120;
    public long DailyTokens { get; set; } = 200_000;
    public long MonthlyTokens { get; set; } = 2_000_000;

    /// <summary>Uploads (and replacements) one user may start per hour; admins are not limited. 0 = no quota.</summary>
    public int UploadsPerHour { get; set; } = 100;
}
