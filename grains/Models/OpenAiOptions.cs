using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace KnowledgeBase.Grains.Models;

/// <summary>How to reach OpenAI or any OpenAI-compatible server; bound from the OPENAI_* environment variables.</summary>
public sealed class OpenAiOptions
{
    public const string DefaultChatModel = "gpt-4o-mini";
    public const string DefaultEmbeddingModel = "text-embedding-3-small";

    /// <summary>OPENAI_API_KEY. Sent as a bearer token; never logged, never part of <see cref="ToString"/>.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>OPENAI_BASE_URL, e.g. http://127.0.0.1:8080/v1. Empty means the public OpenAI endpoint.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>OPENAI_CHAT_MODEL.</summary>
    public string ChatModel { get; set; } = DefaultChatModel;

    /// <summary>OPENAI_EMBED_MODEL.</summary>
    public string EmbeddingModel { get; set; } = DefaultEmbeddingModel;

    /// <summary>OPENAI_EMBED_DIMENSIONS: asks the model for shorter vectors (text-embedding-3-* only). Null keeps the model's own size.</summary>
    public int? EmbeddingDimensions { get; set; }

    /// <summary>
    /// OPENAI_TIMEOUT_SECONDS: the limit of one network operation. For a streamed answer it bounds the wait for each
    /// read (the first token included), not the whole answer, so long answers are not cut off.
    /// </summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>OPENAI_MAX_RETRIES: retries after the first try on 408, 429, 5xx and network failures.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>First backoff step when the server gives no Retry-After; doubles per retry, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>No single wait is longer than this, whatever Retry-After asks for.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>OPENAI_LOG_HTTP: log each request's URI, status and headers (Authorization is redacted by the SDK).</summary>
    public bool LogHttpMessages { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);

    /// <summary>Reads the OPENAI_* variables from configuration (environment variables arrive there under the same names).</summary>
    public static OpenAiOptions FromConfiguration(IConfiguration configuration)
        => FromLookup(name => configuration[name]);

    public static OpenAiOptions FromEnvironment()
        => FromLookup(Environment.GetEnvironmentVariable);

    public static OpenAiOptions FromLookup(Func<string, string?> lookup)
    {
        var options = new OpenAiOptions
        {
            ApiKey = lookup("OPENAI_API_KEY")?.Trim() ?? "",
            BaseUrl = NullIfEmpty(lookup("OPENAI_BASE_URL")),
            ChatModel = NullIfEmpty(lookup("OPENAI_CHAT_MODEL")) ?? DefaultChatModel,
            EmbeddingModel = NullIfEmpty(lookup("OPENAI_EMBED_MODEL")) ?? DefaultEmbeddingModel,
            LogHttpMessages = ParseBool(lookup, "OPENAI_LOG_HTTP"),
        };
        if (ParseInt(lookup, "OPENAI_EMBED_DIMENSIONS") is { } dimensions) options.EmbeddingDimensions = dimensions;
        if (ParseDouble(lookup, "OPENAI_TIMEOUT_SECONDS") is { } seconds) options.NetworkTimeout = TimeSpan.FromSeconds(seconds);
        if (ParseInt(lookup, "OPENAI_MAX_RETRIES") is { } retries) options.MaxRetries = retries;
        return options;
    }

    /// <summary>Problems a person can act on, naming the variable; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!IsConfigured) errors.Add("OPENAI_API_KEY is empty.");
        if (!string.IsNullOrEmpty(BaseUrl)
            && (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            errors.Add($"OPENAI_BASE_URL '{BaseUrl}' is not an absolute http(s) URL such as http://127.0.0.1:8080/v1.");
        if (string.IsNullOrWhiteSpace(ChatModel)) errors.Add("OPENAI_CHAT_MODEL is empty.");
        if (string.IsNullOrWhiteSpace(EmbeddingModel)) errors.Add("OPENAI_EMBED_MODEL is empty.");
        if (EmbeddingDimensions is <= 0) errors.Add("OPENAI_EMBED_DIMENSIONS must be a positive number.");
        if (NetworkTimeout <= TimeSpan.Zero) errors.Add("OPENAI_TIMEOUT_SECONDS must be greater than 0.");
        if (MaxRetries is < 0 or > 20) errors.Add("OPENAI_MAX_RETRIES must be between 0 and 20.");
        if (RetryBaseDelay < TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay) errors.Add("Retry delays must satisfy 0 <= base <= max.");
        return errors;
    }

    /// <summary>Throws with every problem at once, so start-up says all that is wrong.</summary>
    public OpenAiOptions EnsureValid()
    {
        var errors = Validate();
        if (errors.Count > 0) throw new InvalidOperationException("OpenAI settings are invalid: " + string.Join(" ", errors));
        return this;
    }

    /// <summary>Safe to log: the key is shown only as present or absent.</summary>
    public override string ToString() =>
        $"OpenAiOptions {{ BaseUrl = {BaseUrl ?? "(OpenAI)"}, ChatModel = {ChatModel}, EmbeddingModel = {EmbeddingModel}, " +
        $"ApiKey = {(IsConfigured ? "(set)" : "(missing)")}, NetworkTimeout = {NetworkTimeout.TotalSeconds}s, MaxRetries = {MaxRetries} }}";

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static int? ParseInt(Func<string, string?> lookup, string name)
    {
        var raw = NullIfEmpty(lookup(name));
        if (raw is null) return null;
        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"{name} must be a whole number, not '{raw}'.");
    }

    private static double? ParseDouble(Func<string, string?> lookup, string name)
    {
        var raw = NullIfEmpty(lookup(name));
        if (raw is null) return null;
        return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new InvalidOperationException($"{name} must be a number of seconds, not '{raw}'.");
    }

    private static bool ParseBool(Func<string, string?> lookup, string name)
        => NullIfEmpty(lookup(name))?.ToLowerInvariant() is "1" or "true" or "yes" or "on";
}
