using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace KnowledgeBase.Grains.Telemetry;

/// <summary>The product's one Meter and one ActivitySource (both named "KnowledgeBase"): every figure of the operations
/// dashboard that the runtime, ASP.NET Core and Orleans do not already export. Prometheus names are listed in README
/// (an instrument "kb.requests" becomes kb_requests_total, a histogram in seconds kb_..._seconds_bucket).</summary>
public static class KnowledgeBaseTelemetry
{
    public const string Name = "KnowledgeBase";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    // Answers take seconds, not milliseconds: the SDK's default buckets are made for milliseconds.
    private static readonly double[] SecondsBuckets = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30, 60];
    private static readonly double[] FastBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Requests by kind (chat, upload, search, feedback): requests per hour and the traffic mix.</summary>
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("kb.requests", "{request}", "Product requests by kind.");

    /// <summary>Chats being answered right now (concurrency).</summary>
    public static readonly UpDownCounter<long> ChatsInFlight = Meter.CreateUpDownCounter<long>("kb.chat.in_flight", "{chat}", "Chats being answered now.");

    /// <summary>Finished turns by outcome (answered, no_result, or the error code) and whether the answer came from the cache.</summary>
    public static readonly Counter<long> ChatAnswers = Meter.CreateCounter<long>("kb.chat.answers", "{answer}", "Chat turns by outcome.");

    public static readonly Histogram<double> ChatDuration = Meter.CreateHistogram("kb.chat.duration", "s",
        "Whole chat turn, request to last token.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    public static readonly Histogram<double> TimeToFirstToken = Meter.CreateHistogram("kb.chat.time_to_first_token", "s",
        "Request to the first answer text.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    public static readonly Histogram<double> RetrievalDuration = Meter.CreateHistogram("kb.retrieval.duration", "s",
        "Hybrid retrieval of one query.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = FastBuckets });

    /// <summary>Cache lookups by cache (answer, embedding) and result (hit, miss, error).</summary>
    public static readonly Counter<long> CacheLookups = Meter.CreateCounter<long>("kb.cache.lookups", "{lookup}", "Cache lookups by result.");

    /// <summary>Feedback by rating (up, down) and reason (wrong_answer, not_helpful, other, none).</summary>
    public static readonly Counter<long> Feedback = Meter.CreateCounter<long>("kb.feedback", "{feedback}", "Answer feedback by rating and reason.");

    /// <summary>Model tokens by model and type (input, output): calls that reached a model, cached answers excluded.</summary>
    public static readonly Counter<long> ModelTokens = Meter.CreateCounter<long>("kb.model.tokens", "{token}", "Model tokens by model and type.");

    /// <summary>USD by model at the price table's rates (no unit, so the Prometheus name stays kb_model_cost_usd_total).</summary>
    public static readonly Counter<double> ModelCost = Meter.CreateCounter<double>("kb.model.cost_usd", null, "Model cost in USD by model.");

    public static readonly Counter<long> ModelRetries = Meter.CreateCounter<long>("kb.model.retries", "{retry}", "Model HTTP retries by failure.");

    public static readonly Counter<long> ModelRetrySuccesses = Meter.CreateCounter<long>("kb.model.retry_successes", "{request}",
        "Model requests that succeeded after at least one retry.");

    /// <summary>Finished ingestion jobs by outcome (ready, failed) and, for failures, the error code.</summary>
    public static readonly Counter<long> IngestionJobs = Meter.CreateCounter<long>("kb.ingestion.jobs", "{job}", "Finished ingestion jobs by outcome.");

    public static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);
}
