using Microsoft.Extensions.Configuration;

namespace KnowledgeBase.Grains.Hosting;

/// <summary>Reads the documented environment variables (see .env.example) into options; a bad value fails start-up
/// with a message naming the variable.</summary>
public static class KnowledgeBaseSettings
{
    public static void Bind(IConfiguration config, KnowledgeBaseOptions o)
    {
        o.DataDir = config["DATA_DIR"] is { Length: > 0 } d ? d : o.DataDir;
        o.StorageDir = config["STORAGE_DIR"] is { Length: > 0 } s ? s : o.StorageDir;
        o.LogDir = config["LOG_DIR"] is { Length: > 0 } l ? l : o.LogDir;
        o.MaxUploadBytes = Int(config, "MAX_UPLOAD_MB", (int)(o.MaxUploadBytes / (1024 * 1024)), 1, 2048) * 1024L * 1024L;
        o.ChunkTokens = Int(config, "CHUNK_TOKENS", o.ChunkTokens, 50, 4000);
        o.ChunkOverlapTokens = Int(config, "CHUNK_OVERLAP_TOKENS", o.ChunkOverlapTokens, 0, 1000);
        o.RetrievalTopK = Int(config, "RETRIEVAL_TOP_K", o.RetrievalTopK, 1, 50);
        o.ContextTokens = Int(config, "CONTEXT_TOKENS", o.ContextTokens, 200, 100_000);
        o.MaxCompletionTokens = Int(config, "MAX_COMPLETION_TOKENS", o.MaxCompletionTokens, 16, 16_000);
        o.EmbeddingBatchSize = Int(config, "EMBED_BATCH_SIZE", o.EmbeddingBatchSize, 1, 2048);
        o.ModelIdleTimeout = TimeSpan.FromSeconds(Int(config, "CHAT_MODEL_IDLE_TIMEOUT_SECONDS", (int)o.ModelIdleTimeout.TotalSeconds, 1, 3600));
        if (o.ChunkOverlapTokens >= o.ChunkTokens) throw new ConfigurationException("CHUNK_OVERLAP_TOKENS must be smaller than CHUNK_TOKENS.");
    }

    public static void Bind(IConfiguration config, LimitsOptions o)
    {
        o.RequestsPerMinute = Int(config, "RATE_LIMIT_PER_MINUTE", o.RequestsPerMinute, 1, 100_000);
        o.SearchRequestsPerMinute = Int(config, "SEARCH_RATE_LIMIT_PER_MINUTE", o.SearchRequestsPerMinute, 1, 100_000);
        o.DailyTokens = Long(config, "DAILY_TOKEN_BUDGET", o.DailyTokens);
        o.MonthlyTokens = Long(config, "MONTHLY_TOKEN_BUDGET", o.MonthlyTokens);
        o.UploadsPerHour = Int(config, "UPLOAD_QUOTA_PER_HOUR", o.UploadsPerHour, 0, 100_000);
    }

    public static void Bind(IConfiguration config, Retrieval.AnswerOptions o)
    {
        o.Thesaurus = Bool(config, "ANSWER_THESAURUS", o.Thesaurus);
        o.Synonyms = Bool(config, "ANSWER_SYNONYMS", o.Synonyms);
        o.Numbers = Bool(config, "ANSWER_NUMBERS", o.Numbers);
        o.DefinedTerms = Bool(config, "ANSWER_DEFINED_TERMS", o.DefinedTerms);
        o.Gate = Bool(config, "ANSWER_GATE", o.Gate);
        o.TypedAnswer = Bool(config, "ANSWER_TYPED", o.TypedAnswer);
        o.GateDepth = Int(config, "ANSWER_GATE_DEPTH", o.GateDepth, 1, 50);
        o.GateMinCoverage = Share(config, "ANSWER_GATE_MIN_COVERAGE", o.GateMinCoverage);
        o.GateUnknownWordCoverage = Share(config, "ANSWER_GATE_UNKNOWN_WORD_COVERAGE", o.GateUnknownWordCoverage);
    }

    /// <summary>A share from 0 to 1 (a dot decimal).</summary>
    public static double Share(IConfiguration config, string name, double fallback)
    {
        var raw = config[name];
        if (string.IsNullOrWhiteSpace(raw)) return fallback;
        if (!double.TryParse(raw, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) || value is < 0 or > 1)
            throw new ConfigurationException($"{name} must be a number from 0 to 1 (got '{raw}').");
        return value;
    }

    public static void Bind(IConfiguration config, Chat.QueryRewriteOptions o)
    {
        o.Enabled = Bool(config, "QUERY_REWRITE", o.Enabled);
        o.MaxQueries = Int(config, "QUERY_REWRITE_MAX_QUERIES", o.MaxQueries, 1, 5);
        o.MaxOutputTokens = Int(config, "QUERY_REWRITE_MAX_TOKENS", o.MaxOutputTokens, 16, 1000);
        o.Timeout = TimeSpan.FromSeconds(Int(config, "QUERY_REWRITE_TIMEOUT_SECONDS", (int)o.Timeout.TotalSeconds, 1, 120));
    }

    public static int Int(IConfiguration config, string name, int fallback, int min, int max)
    {
        var raw = config[name];
        if (string.IsNullOrWhiteSpace(raw)) return fallback;
        if (!int.TryParse(raw, out var value) || value < min || value > max)
            throw new ConfigurationException($"{name} must be a whole number from {min} to {max} (got '{raw}').");
        return value;
    }

    public static bool Bool(IConfiguration config, string name, bool fallback)
    {
        var raw = config[name];
        if (string.IsNullOrWhiteSpace(raw)) return fallback;
        return raw.Trim().ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "on" => true,
            "false" or "0" or "no" or "off" => false,
            _ => throw new ConfigurationException($"{name} must be true or false (got '{raw}')."),
        };
    }

    /// <summary>ORLEANS_DASHBOARD: the Orleans dashboard at /dashboard, with its per-call grain profiler. Off unless set
    /// (it holds ~60-77 MB and profiles every grain call); docker-compose and the Kubernetes ConfigMap turn it on for
    /// operators. Set it the same on every silo and api.</summary>
    public static bool DashboardEnabled(IConfiguration config) => Bool(config, "ORLEANS_DASHBOARD", false);

    /// <summary>Prod rules apply (APP_ENV=prod or production, or STRICT_ENV=true): missing secrets and protections stop
    /// start-up instead of falling back to a development default.</summary>
    public static bool Strict(IConfiguration config)
        => config["APP_ENV"] is { } env && (env.Equals("prod", StringComparison.OrdinalIgnoreCase) || env.Equals("production", StringComparison.OrdinalIgnoreCase))
            || string.Equals(config["STRICT_ENV"], "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Traces are collected and exported only when OTEL_EXPORTER_OTLP_ENDPOINT names a collector.</summary>
    public static bool TracingEnabled(IConfiguration config) => !string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static long Long(IConfiguration config, string name, long fallback)
    {
        var raw = config[name];
        if (string.IsNullOrWhiteSpace(raw)) return fallback;
        if (!long.TryParse(raw, out var value) || value < 0)
            throw new ConfigurationException($"{name} must be a whole number of tokens, 0 or more (got '{raw}').");
        return value;
    }
}
