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

    /// <summary>SHA-256 of the UTF-8 of the model, then of each message as "{role}\n{text}\n\u0001" (a prompt is ~10 KB of
    /// sources: hashed without copying it). With <paramref name="sources"/>
    /// (see <see cref="Scope"/>) the key also names the collections of the prompt's sources: an answer is only ever served to a caller whose own retrieval, filtered by what they may read,
    /// produced these very sources in these collections (a document moved since then gives another key).</summary>
    public static string Key(string model, IEnumerable<ChatMessage> prompt, string? sources = null)
    {
        using var hash = new Utf8Sha256();
        hash.Append(model).Append("\n");
        foreach (var message in prompt) hash.Append(message.Role.Value).Append("\n").Append(message.Text).Append("\n\u0001");
        if (sources is not null) hash.Append(sources);
        return hash.Key("kb:answer:v1:");
    }

    /// <summary>Each source's chunk id and collection, one per line.</summary>
    public static string Scope(IReadOnlyList<SourceReference> sources)
        => string.Concat(sources.Select(s => $"{s.ChunkId}@{DefaultCollection.Of(s.CollectionId)}\n"));

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
