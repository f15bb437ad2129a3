using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;

namespace KnowledgeBase.Grains.Caching;

/// <summary>
/// Model embeddings cached per text, as the vector's raw floats (4 bytes a dimension: 6 KB for text-embedding-3-small).
/// Microsoft.Extensions.AI's caching generator stored each vector as JSON (a unit vector of 1,536 floats is ~19 KB of
/// JSON, 3.1 times its raw 6 KB, in Redis or the bounded in-memory cache), and formatting the floats as text on every
/// miss was ~2% of a chat turn's CPU with unique questions.
/// In a batch only the misses go to the model, in one call, and the results keep the batch's order. A cache that fails
/// is a miss, never a failed embedding.
/// </summary>
public sealed class EmbeddingCache(IEmbeddingGenerator<string, Embedding<float>> inner, IDistributedCache cache, CacheStatistics statistics)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    public const string Name = "embedding";

    // Re-indexing a document within a week reuses its chunks' vectors; after that they are computed again.
    private static readonly DistributedCacheEntryOptions Lifetime = new() { SlidingExpiration = TimeSpan.FromDays(7) };

    private readonly string _model = inner.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? "default";

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values as IReadOnlyList<string> ?? values.ToList();
        var model = options?.ModelId ?? _model;
        var keys = new string[texts.Count];
        for (var i = 0; i < texts.Count; i++) keys[i] = Key(model, options?.Dimensions, texts[i]);
        // Looked up together: an ingestion batch is 64 texts by default (EMBED_BATCH_SIZE), and against Redis one after
        // another they were as many round trips.
        var found = await Task.WhenAll(keys.Select(key => GetAsync(key, model, cancellationToken)));
        List<int>? misses = null;
        for (var i = 0; i < texts.Count; i++)
            if (found[i] is null) (misses ??= []).Add(i);

        UsageDetails? usage = null;
        if (misses is not null)
        {
            var generated = await base.GenerateAsync(misses.Select(i => texts[i]).ToList(), options, cancellationToken);
            if (generated.Count != misses.Count)
                throw new InvalidOperationException($"The embedding model returned {generated.Count} vectors for {misses.Count} texts.");
            for (var j = 0; j < misses.Count; j++) found[misses[j]] = generated[j];
            await Task.WhenAll(misses.Select((i, j) => SetAsync(keys[i], generated[j], cancellationToken)));
            usage = generated.Usage;
        }
        return new GeneratedEmbeddings<Embedding<float>>(found!) { Usage = usage };
    }

    /// <summary>SHA-256 of the model, the requested dimensions and the text (UTF-8), so a model or size change never
    /// serves an old vector.</summary>
    public static string Key(string model, int? dimensions, string text)
    {
        using var hash = new Utf8Sha256();
        return hash.Append(model).Append("\n").Append(dimensions?.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("\n").Append(text)
            .Key("kb:embedding:v2:");
    }

    private async Task<Embedding<float>?> GetAsync(string key, string model, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await cache.GetAsync(key, cancellationToken);
            var hit = bytes is { Length: > 0 } && bytes.Length % sizeof(float) == 0;
            statistics.Record(Name, hit);
            return hit ? new Embedding<float>(MemoryMarshal.Cast<byte, float>(bytes).ToArray()) { ModelId = model } : null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            statistics.RecordError(Name);
            return null;
        }
    }

    private async Task SetAsync(string key, Embedding<float> embedding, CancellationToken cancellationToken)
    {
        try
        {
            await cache.SetAsync(key, MemoryMarshal.AsBytes(embedding.Vector.Span).ToArray(), Lifetime, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            statistics.RecordError(Name);
        }
    }
}
