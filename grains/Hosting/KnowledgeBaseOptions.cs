using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace KnowledgeBase.Grains.Hosting;

/// <summary>Where the embedded parts keep their files, and the knobs of chat and ingestion. Bound from environment
/// variables (the names below) and validated once, at start-up (<see cref="KnowledgeBaseConfiguration"/>).</summary>
public sealed class KnowledgeBaseOptions
{
    /// <summary>Indexes and the SQLite database (DATA_DIR, default ./data).</summary>
    [ConfigurationKeyName("DATA_DIR"), Required(AllowEmptyStrings = false, ErrorMessage = "DATA_DIR must name a folder.")]
    public string DataDir { get; set; } = "data";

    /// <summary>Original files when no S3 bucket is configured (STORAGE_DIR, default ./storage).</summary>
    [ConfigurationKeyName("STORAGE_DIR"), Required(AllowEmptyStrings = false, ErrorMessage = "STORAGE_DIR must name a folder.")]
    public string StorageDir { get; set; } = "storage";

    /// <summary>Query logs (LOG_DIR, default ./logs).</summary>
    [ConfigurationKeyName("LOG_DIR"), Required(AllowEmptyStrings = false, ErrorMessage = "LOG_DIR must name a folder.")]
    public string LogDir { get; set; } = "logs";

    /// <summary>Largest accepted upload (MAX_UPLOAD_MB, default 50).</summary>
    public long MaxUploadBytes { get; set; } = 50L * 1024 * 1024;

    [ConfigurationKeyName("MAX_UPLOAD_MB"), Range(1, 2048, ErrorMessage = "MAX_UPLOAD_MB must be a whole number from {1} to {2}.")]
    public int MaxUploadMb
    {
        get => (int)(MaxUploadBytes / (1024 * 1024));
        set => MaxUploadBytes = value * 1024L * 1024L;
    }

    /// <summary>Chunk size and overlap in model tokens (CHUNK_TOKENS, CHUNK_OVERLAP_TOKENS); the overlap is smaller.</summary>
    [ConfigurationKeyName("CHUNK_TOKENS"), Range(50, 4000, ErrorMessage = "CHUNK_TOKENS must be a whole number from {1} to {2}.")]
    public int ChunkTokens { get; set; } = 400;

    [ConfigurationKeyName("CHUNK_OVERLAP_TOKENS"), Range(0, 1000, ErrorMessage = "CHUNK_OVERLAP_TOKENS must be a whole number from {1} to {2}.")]
    public int ChunkOverlapTokens { get; set; } = 60;

    /// <summary>Sources put in a prompt (RETRIEVAL_TOP_K) and the prompt's token budget for them (CONTEXT_TOKENS).</summary>
    [ConfigurationKeyName("RETRIEVAL_TOP_K"), Range(1, 50, ErrorMessage = "RETRIEVAL_TOP_K must be a whole number from {1} to {2}.")]
    public int RetrievalTopK { get; set; } = 5;

    [ConfigurationKeyName("CONTEXT_TOKENS"), Range(200, 100_000, ErrorMessage = "CONTEXT_TOKENS must be a whole number from {1} to {2}.")]
    public int ContextTokens { get; set; } = 6000;

    /// <summary>Upper bound of an answer (MAX_COMPLETION_TOKENS); reserved in full before generation.</summary>
    [ConfigurationKeyName("MAX_COMPLETION_TOKENS"), Range(16, 16_000, ErrorMessage = "MAX_COMPLETION_TOKENS must be a whole number from {1} to {2}.")]
    public int MaxCompletionTokens { get; set; } = 800;

    /// <summary>Longest wait in seconds for the model's next piece of an answer, the first included
    /// (CHAT_MODEL_IDLE_TIMEOUT_SECONDS, default 60): past it the turn ends with model_timeout instead of waiting on a
    /// model that never answers.</summary>
    [ConfigurationKeyName("CHAT_MODEL_IDLE_TIMEOUT_SECONDS"), Range(1, 3600, ErrorMessage = "CHAT_MODEL_IDLE_TIMEOUT_SECONDS must be a whole number from {1} to {2}.")]
    public int ModelIdleTimeoutSeconds { get; set; } = 60;

    public TimeSpan ModelIdleTimeout => TimeSpan.FromSeconds(ModelIdleTimeoutSeconds);

    /// <summary>Embedding calls per batch (EMBED_BATCH_SIZE).</summary>
    [ConfigurationKeyName("EMBED_BATCH_SIZE"), Range(1, 2048, ErrorMessage = "EMBED_BATCH_SIZE must be a whole number from {1} to {2}.")]
    public int EmbeddingBatchSize { get; set; } = 64;
}

/// <summary>Per-user defaults; an admin can change a user's budget.</summary>
public sealed class LimitsOptions
{
    [ConfigurationKeyName("RATE_LIMIT_PER_MINUTE"), Range(1, 100_000, ErrorMessage = "RATE_LIMIT_PER_MINUTE must be a whole number from {1} to {2}.")]
    public int RequestsPerMinute { get; set; } = 20;

    /// <summary>Searches (/api/search) one user may make per minute (SEARCH_RATE_LIMIT_PER_MINUTE): a limit of their own,
    /// apart from chat's, since a search is one embedding call and pages search more often than people ask.</summary>
    [ConfigurationKeyName("SEARCH_RATE_LIMIT_PER_MINUTE"), Range(1, 100_000, ErrorMessage = "SEARCH_RATE_LIMIT_PER_MINUTE must be a whole number from {1} to {2}.")]
    public int SearchRequestsPerMinute { get; set; } = 120;

    [ConfigurationKeyName("DAILY_TOKEN_BUDGET"), Range(typeof(long), "0", "9223372036854775807", ErrorMessage = "DAILY_TOKEN_BUDGET must be a whole number of tokens, 0 or more.")]
    public long DailyTokens { get; set; } = 200_000;

    [ConfigurationKeyName("MONTHLY_TOKEN_BUDGET"), Range(typeof(long), "0", "9223372036854775807", ErrorMessage = "MONTHLY_TOKEN_BUDGET must be a whole number of tokens, 0 or more.")]
    public long MonthlyTokens { get; set; } = 2_000_000;

    /// <summary>Uploads (and replacements) one user may start per hour; admins are not limited. 0 = no quota.</summary>
    [ConfigurationKeyName("UPLOAD_QUOTA_PER_HOUR"), Range(0, 100_000, ErrorMessage = "UPLOAD_QUOTA_PER_HOUR must be a whole number from {1} to {2}.")]
    public int UploadsPerHour { get; set; } = 100;
}
