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
    public static readonly Histogram<double> ModelDuration = Meter.CreateHistogram("kb.model.duration", "s",
        "One chat-model call, request to last token, by model.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    public static readonly Counter<long> ModelTokens = Meter.CreateCounter<long>("kb.model.tokens", "{token}", "Model tokens by model and type.");

    /// <summary>USD by model at the price table's rates (no unit, so the Prometheus name stays kb_model_cost_usd_total).</summary>
    public static readonly Counter<double> ModelCost = Meter.CreateCounter<double>("kb.model.cost_usd", null, "Model cost in USD by model.");

    public static readonly Counter<long> ModelRetries = Meter.CreateCounter<long>("kb.model.retries", "{retry}", "Model HTTP retries by failure.");

    public static readonly Counter<long> ModelRetrySuccesses = Meter.CreateCounter<long>("kb.model.retry_successes", "{request}",
        "Model requests that succeeded after at least one retry.");

    /// <summary>Finished ingestion jobs by outcome (ready, failed) and, for failures, the error code.</summary>
    public static readonly Counter<long> IngestionJobs = Meter.CreateCounter<long>("kb.ingestion.jobs", "{job}", "Finished ingestion jobs by outcome.");

    /// <summary>Query-log records lost (queue full, or the disk would not take them); chat is never held up by them.</summary>
    public static readonly Counter<long> QueryLogFailures = Meter.CreateCounter<long>("kb.query_log.failures", "{record}", "Query-log records not written.");

    private static int _hostObserved;

    /// <summary>Adds 0 to every counter series the dashboard and the alerts read, so a fresh install shows 0 rather than
    /// "No data" and rate() works from the first minute. Call after the metrics exporter listens (a measurement made
    /// before is lost). Histograms stay absent until their first observation: a 0 there would be a fake one.</summary>
    public static void StartSeriesAtZero(IEnumerable<string> models)
    {
        foreach (var kind in new[] { "chat", "upload", "search", "feedback" }) Requests.Add(0, Tag("kind", kind));
        ChatsInFlight.Add(0);
        foreach (var outcome in new[] { "answered", "no_result", "model_error", "retrieval_error" })
            ChatAnswers.Add(0, Tag("outcome", outcome), Tag("cached", "false"));
        ChatAnswers.Add(0, Tag("outcome", "answered"), Tag("cached", "true"));
        foreach (var cache in new[] { "answer", "embedding" })
        foreach (var result in new[] { "hit", "miss", "error" })
            CacheLookups.Add(0, Tag("cache", cache), Tag("result", result));
        Feedback.Add(0, Tag("rating", "up"), Tag("reason", "none"));
        foreach (var reason in new[] { "wrong_answer", "not_helpful", "other", "none" }) Feedback.Add(0, Tag("rating", "down"), Tag("reason", reason));
        foreach (var model in models.Distinct())
        {
            var modelTag = Tag("model", model);
            ModelTokens.Add(0, modelTag, Tag("type", "input"));
            ModelTokens.Add(0, modelTag, Tag("type", "output"));
            ModelCost.Add(0, modelTag);
        }
        ModelRetries.Add(0);
        ModelRetrySuccesses.Add(0);
        IngestionJobs.Add(0, Tag("outcome", "ready"), Tag("code", "none"));
        IngestionJobs.Add(0, Tag("outcome", "failed"), Tag("code", "none"));
        QueryLogFailures.Add(0, Tag("reason", "write_failed"));
    }

    /// <summary>Disk and network figures the runtime and process instrumentation do not give: free space where the
    /// data lives, this process's disk I/O, and the network interfaces' traffic (the pod's, in a container). Linux
    /// /proc only; elsewhere the I/O series are simply absent.</summary>
    public static void ObserveHost(string dataDir)
    {
        if (Interlocked.Exchange(ref _hostObserved, 1) == 1) return;
        Meter.CreateObservableGauge("kb.disk.free", () => FreeBytes(dataDir), "By", "Free bytes on the volume holding DATA_DIR.");
        Meter.CreateObservableCounter("kb.disk.io", DiskIo, "By", "Bytes this process read from and wrote to storage.");
        Meter.CreateObservableCounter("kb.network.io", NetworkIo, "By", "Bytes received and sent on the network interfaces (loopback excluded).");
    }

    private static IEnumerable<Measurement<long>> FreeBytes(string dataDir)
    {
        var path = Path.GetFullPath(dataDir);
        while (!Directory.Exists(path) && Path.GetDirectoryName(path) is { } parent) path = parent;
        long free;
        try { free = new DriveInfo(path).AvailableFreeSpace; } catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException) { yield break; }
        yield return new Measurement<long>(free, Tag("volume", "data"));
    }

    private static IEnumerable<Measurement<long>> DiskIo()
    {
        var values = ReadProc("/proc/self/io").Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => long.TryParse(p[1].Trim(), out var v) ? v : 0);
        if (values.TryGetValue("read_bytes", out var read)) yield return new Measurement<long>(read, Tag("direction", "read"));
        if (values.TryGetValue("write_bytes", out var written)) yield return new Measurement<long>(written, Tag("direction", "write"));
    }

    private static IEnumerable<Measurement<long>> NetworkIo()
    {
        long received = 0, sent = 0;
        var any = false;
        // "  eth0: rxBytes rxPackets ... (8 receive columns) txBytes ..."
        foreach (var line in ReadProc("/proc/net/dev").Skip(2))
        {
            var parts = line.Split(':', 2);
            if (parts.Length < 2 || parts[0].Trim() == "lo") continue;
            var columns = parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length < 9 || !long.TryParse(columns[0], out var rx) || !long.TryParse(columns[8], out var tx)) continue;
            (received, sent, any) = (received + rx, sent + tx, true);
        }
        if (!any) yield break;
        yield return new Measurement<long>(received, Tag("direction", "receive"));
        yield return new Measurement<long>(sent, Tag("direction", "transmit"));
    }

    private static string[] ReadProc(string path)
    {
        try { return File.ReadAllLines(path); } catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return []; }
    }

    public static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);
}
