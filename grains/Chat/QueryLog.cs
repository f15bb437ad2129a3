using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using KnowledgeBase.Grains.Hosting;
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
    void Write(RagQueryRecord record);
}

/// <summary>Appends JSON lines to {LOG_DIR}/rag-YYYY-MM-DD.jsonl (UTC date), one file per day. A chat turn only queues
/// its record; one background writer appends and flushes, so turns never wait on the disk or on each other.</summary>
public sealed class JsonlQueryLog : IQueryLog, IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Channel<RagQueryRecord> _queue = Channel.CreateBounded<RagQueryRecord>(
        new BoundedChannelOptions(100_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly IOptions<KnowledgeBaseOptions> _options;
    private readonly TimeProvider _clock;
    private readonly Task _writer;

    public JsonlQueryLog(IOptions<KnowledgeBaseOptions> options, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
        _writer = Task.Run(WriteLoopAsync);
    }

    public void Write(RagQueryRecord record)
    {
        if (!_queue.Writer.TryWrite(record)) _queue.Writer.WriteAsync(record).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Waits until every record queued so far is on disk.</summary>
    public async Task FlushAsync()
    {
        while (_queue.Reader.Count > 0) await Task.Delay(5);
        await Task.Delay(5);
    }

    private async Task WriteLoopAsync()
    {
        StreamWriter? writer = null;
        string? day = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync())
            {
                while (_queue.Reader.TryRead(out var record))
                {
                    var today = _clock.GetUtcNow().ToString("yyyy-MM-dd");
                    if (writer is null || day != today)
                    {
                        if (writer is not null) await writer.DisposeAsync();
                        Directory.CreateDirectory(_options.Value.LogDir);
                        var stream = new FileStream(Path.Combine(_options.Value.LogDir, $"rag-{today}.jsonl"), FileMode.Append, FileAccess.Write,
                            FileShare.ReadWrite | FileShare.Delete);
                        writer = new StreamWriter(stream, new UTF8Encoding(false));
                        day = today;
                    }
                    await writer.WriteLineAsync(JsonSerializer.Serialize(record, Json));
                }
                await writer!.FlushAsync();
            }
        }
        finally
        {
            if (writer is not null) await writer.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }
}
