using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Chat;

/// <summary>One `rag.query` record per chat turn. Never holds the question, only its hash and length.</summary>
public sealed record RagQueryRecord(
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("level")] string Level,
    [property: JsonPropertyName("logger")] string Logger,
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("question_hash")] string QuestionHash,
    [property: JsonPropertyName("question_length")] int QuestionLength,
    [property: JsonPropertyName("intent")] string Intent,
    [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
    [property: JsonPropertyName("candidates_count")] int CandidatesCount,
    [property: JsonPropertyName("used_chunks_count")] int UsedChunksCount,
    [property: JsonPropertyName("latency_ms")] double LatencyMs,
    [property: JsonPropertyName("latency_breakdown")] RagLatency LatencyBreakdown,
    [property: JsonPropertyName("openai_tokens")] RagTokens OpenAiTokens,
    [property: JsonPropertyName("cost_usd")] decimal CostUsd,
    [property: JsonPropertyName("sources")] IReadOnlyList<string> Sources,
    [property: JsonPropertyName("no_result")] bool NoResult)
{
    public static string Hash(string question) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(question)));
}

public sealed record RagLatency(
    [property: JsonPropertyName("tagging_ms")] double TaggingMs,
    [property: JsonPropertyName("retrieval_ms")] double RetrievalMs,
    [property: JsonPropertyName("generation_ms")] double GenerationMs);

public sealed record RagTokens(
    [property: JsonPropertyName("prompt")] int Prompt,
    [property: JsonPropertyName("completion")] int Completion,
    [property: JsonPropertyName("total")] int Total);

public interface IQueryLog
{
    /// <summary>Queues one record; never waits (a record that finds the queue full is dropped and counted).</summary>
    void Write(RagQueryRecord record);
}

/// <summary>Whether the query log is being written, for /health/ready and the metrics.</summary>
public sealed record QueryLogStatus(long Written, long Failed, long Dropped, string? LastError, DateTimeOffset? LastErrorAt, bool Failing);

/// <summary>Appends JSON lines to {LOG_DIR}/rag-YYYY-MM-DD.jsonl (UTC date), one file per day. A chat turn only queues
/// its record; one background writer appends and flushes, so turns never wait on the disk or on each other. A disk that
/// is full or unwritable costs the records of that moment, never a chat turn: they are counted as failed, the writer
/// keeps running and tries again with the next records, and <see cref="Status"/> reports it until a write succeeds.</summary>
public sealed class JsonlQueryLog : IQueryLog, IAsyncDisposable
{
    private const int Capacity = 100_000;
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Channel<RagQueryRecord> _queue = Channel.CreateBounded<RagQueryRecord>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly IOptions<KnowledgeBaseOptions> _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<JsonlQueryLog> _logger;
    private readonly Task _writer;
    private long _written, _failed, _dropped, _pending;
    private volatile string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private volatile bool _failing;

    public JsonlQueryLog(IOptions<KnowledgeBaseOptions> options, TimeProvider clock, ILogger<JsonlQueryLog> logger)
    {
        _options = options;
        _clock = clock;
        _logger = logger;
        _writer = Task.Run(WriteLoopAsync);
    }

    public QueryLogStatus Status => new(Interlocked.Read(ref _written), Interlocked.Read(ref _failed), Interlocked.Read(ref _dropped),
        _lastError, _lastErrorAt, _failing);

    public void Write(RagQueryRecord record)
    {
        Interlocked.Increment(ref _pending);
        if (_queue.Writer.TryWrite(record)) return;
        Interlocked.Decrement(ref _pending);
        Interlocked.Increment(ref _dropped);
        KnowledgeBaseTelemetry.QueryLogFailures.Add(1, KnowledgeBaseTelemetry.Tag("reason", "queue_full"));
    }

    /// <summary>Waits until every record queued so far is written (or failed).</summary>
    public async Task FlushAsync()
    {
        while (Interlocked.Read(ref _pending) > 0) await Task.Delay(5);
    }

    private async Task WriteLoopAsync()
    {
        StreamWriter? writer = null;
        string? day = null;
        var batch = new List<RagQueryRecord>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync())
            {
                batch.Clear();
                while (batch.Count < 1000 && _queue.Reader.TryRead(out var record)) batch.Add(record);
                try
                {
                    var today = _clock.GetUtcNow().ToString("yyyy-MM-dd");
                    if (writer is null || day != today)
                    {
                        if (writer is not null) await writer.DisposeAsync();
                        writer = null;
                        Directory.CreateDirectory(_options.Value.LogDir);
                        var stream = new FileStream(Path.Combine(_options.Value.LogDir, $"rag-{today}.jsonl"), FileMode.Append, FileAccess.Write,
                            FileShare.ReadWrite | FileShare.Delete);
                        writer = new StreamWriter(stream, new UTF8Encoding(false));
                        day = today;
                    }
                    foreach (var record in batch) await writer.WriteLineAsync(JsonSerializer.Serialize(record, Json));
                    await writer.FlushAsync();
                    Interlocked.Add(ref _written, batch.Count);
                    if (_failing) _logger.LogInformation("Query log is written again in {LogDir}", _options.Value.LogDir);
                    _failing = false;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
                {
                    Interlocked.Add(ref _failed, batch.Count);
                    KnowledgeBaseTelemetry.QueryLogFailures.Add(batch.Count, KnowledgeBaseTelemetry.Tag("reason", "write_failed"));
                    _lastError = ex.GetType().Name + ": " + ex.Message;
                    _lastErrorAt = _clock.GetUtcNow();
                    if (!_failing) _logger.LogError(ex, "Query log records could not be written to {LogDir}; chat continues, the records are counted as failed", _options.Value.LogDir);
                    _failing = true;
                    // The file is opened again for the next records: a full disk may have room by then.
                    try { if (writer is not null) await writer.DisposeAsync(); } catch (IOException) { }
                    writer = null;
                }
                finally
                {
                    Interlocked.Add(ref _pending, -batch.Count);
                }
            }
        }
        finally
        {
            try { if (writer is not null) await writer.DisposeAsync(); } catch (IOException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }
}
