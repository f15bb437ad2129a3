using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
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

/// <summary>Appends JSON lines to {LOG_DIR}/rag-YYYY-MM-DD.jsonl (UTC date), one file per day.</summary>
public sealed class JsonlQueryLog(IOptions<KnowledgeBaseOptions> options, TimeProvider clock) : IQueryLog, IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Lock _gate = new();
    private StreamWriter? _writer;
    private string? _day;

    public void Write(RagQueryRecord record)
    {
        var line = JsonSerializer.Serialize(record, Json);
        lock (_gate)
        {
            var day = clock.GetUtcNow().ToString("yyyy-MM-dd");
            if (_writer is null || _day != day)
            {
                _writer?.Dispose();
                Directory.CreateDirectory(options.Value.LogDir);
                var path = Path.Combine(options.Value.LogDir, $"rag-{day}.jsonl");
                var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                _writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
                _day = day;
            }
            _writer.WriteLine(line);
        }
    }

    public void Dispose()
    {
        lock (_gate) _writer?.Dispose();
    }
}
