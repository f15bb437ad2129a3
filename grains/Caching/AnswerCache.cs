using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KnowledgeBase.Grains.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;

namespace KnowledgeBase.Grains.Caching;

public sealed record CachedAnswer(string Text, int PromptTokens, int CompletionTokens, string Model);

/// <summary>Answers keyed by a hash of the model and the whole prompt. The prompt carries the full text of the chunks it
/// was built from (a content version of the corpus): a changed document, or a new one that is now retrieved, changes
/// the key, so a stale answer is never served.</summary>
public sealed class AnswerCache(IDistributedCache cache, CacheStatistics statistics)
{
    private static readonly DistributedCacheEntryOptions Lifetime = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(24) };

    /// <summary>SHA-256 of the UTF-8 of the model, then of each message as "{role}\n{text}\n\u0001". The text is encoded
    /// through one pooled buffer: a prompt is ~10 KB of sources, and copying it into new strings and arrays for the key
    /// was ~3% of what a chat turn allocated.</summary>
    public static string Key(string model, IEnumerable<ChatMessage> prompt)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(PieceChars));
        try
        {
            Append(hash, buffer, model);
            Append(hash, buffer, "\n");
            foreach (var message in prompt)
            {
                Append(hash, buffer, message.Role.Value);
                Append(hash, buffer, "\n");
                Append(hash, buffer, message.Text);
                Append(hash, buffer, "\n\u0001");
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        return "kb:answer:v1:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private const int PieceChars = 1024;

    private static void Append(IncrementalHash hash, byte[] buffer, ReadOnlySpan<char> text)
    {
        while (text.Length > 0)
        {
            // Never split a surrogate pair between pieces: each piece must encode as it would inside the whole text.
            var take = Math.Min(text.Length, PieceChars);
            if (take < text.Length && char.IsHighSurrogate(text[take - 1])) take--;
            var written = Encoding.UTF8.GetBytes(text[..take], buffer);
            hash.AppendData(buffer, 0, written);
            text = text[take..];
        }
    }

    public async Task<CachedAnswer?> GetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await cache.GetAsync(key, cancellationToken);
            var hit = bytes is { Length: > 0 };
            statistics.Record("answer", hit);
            return hit ? JsonSerializer.Deserialize<CachedAnswer>(bytes!) : null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A cache that is down is a miss, never a failed answer.
            statistics.Record("answer", false);
            return null;
        }
    }

    public async Task SetAsync(string key, CachedAnswer answer)
    {
        try
        {
            await cache.SetAsync(key, JsonSerializer.SerializeToUtf8Bytes(answer), Lifetime);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            statistics.RecordError("answer");
        }
    }
}

/// <summary>Hit, miss and error counts per cache, for /metrics and the admin console.</summary>
public sealed class CacheStatistics
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long[]> _counts = new();

    public void Record(string cache, bool hit)
    {
        Interlocked.Increment(ref _counts.GetOrAdd(cache, _ => new long[3])[hit ? 0 : 1]);
        KnowledgeBaseTelemetry.CacheLookups.Add(1, KnowledgeBaseTelemetry.Tag("cache", cache), KnowledgeBaseTelemetry.Tag("result", hit ? "hit" : "miss"));
    }

    public void RecordError(string cache)
    {
        Interlocked.Increment(ref _counts.GetOrAdd(cache, _ => new long[3])[2]);
        KnowledgeBaseTelemetry.CacheLookups.Add(1, KnowledgeBaseTelemetry.Tag("cache", cache), KnowledgeBaseTelemetry.Tag("result", "error"));
    }

    public (long Hits, long Misses, long Errors) Get(string cache)
        => _counts.TryGetValue(cache, out var c) ? (Interlocked.Read(ref c[0]), Interlocked.Read(ref c[1]), Interlocked.Read(ref c[2])) : (0, 0, 0);
}
