using Microsoft.Extensions.AI;

namespace KnowledgeBase.Grains.Models;

/// <summary>A deterministic offline embedder: signed feature hashing of Korean-aware character n-grams and words,
/// so the vector path works with no network model. Stable across processes and machines (FNV-1a, not string.GetHashCode).</summary>
public sealed class HashingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelId = "offline-hash-ngram";
    public const int DefaultDimensions = 512;

    // Feature kinds hash with different seeds so that the word "서울" and the bigram "서울" do not collide on purpose.
    private const ulong WordSeed = 0x9E3779B97F4A7C15UL, StemSeed = 0xC2B2AE3D27D4EB4FUL, BigramSeed = 0x165667B19E3779F9UL,
        TrigramSeed = 0xD6E8FEB86659FD93UL, LatinSeed = 0xFF51AFD7ED558CCDUL;

    private const float WordWeight = 0.6f, StemWeight = 1.0f, BigramWeight = 1.0f, TrigramWeight = 0.5f, LatinWeight = 0.5f;

    private readonly EmbeddingGeneratorMetadata _metadata;

    public HashingEmbeddingGenerator(int dimensions = DefaultDimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 16);
        Dimensions = dimensions;
        _metadata = new EmbeddingGeneratorMetadata("offline", null, ModelId, dimensions);
    }

    public int Dimensions { get; }

    /// <summary>How many texts this instance has embedded (tests use it to prove that a reload does not re-embed).</summary>
    public long EmbeddedCount => Interlocked.Read(ref _embeddedCount);
    private long _embeddedCount;

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(new Embedding<float>(Embed(value)) { ModelId = ModelId, CreatedAt = null });
            Interlocked.Increment(ref _embeddedCount);
        }
        return Task.FromResult(result);
    }

    /// <summary>The L2-normalized vector of one text (all zeros for a text with no letters or digits).</summary>
    public float[] Embed(string text)
    {
        var counts = new Dictionary<ulong, (float Weight, int Count)>();
        foreach (var token in KoreanTokens.Words(text))
            AddTokenFeatures(token, counts);

        var vector = new float[Dimensions];
        foreach (var (hash, (weight, count)) in counts)
        {
            var bucket = (int)(hash % (ulong)Dimensions);
            var sign = (hash >> 63) == 0 ? 1f : -1f;
            vector[bucket] += sign * weight * (1f + MathF.Log(count));
        }
        var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(vector));
        if (norm > 0)
            System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
        return vector;
    }

    private static void AddTokenFeatures(string token, Dictionary<ulong, (float, int)> counts)
    {
        if (KoreanTokens.IsHangul(token[0]))
        {
            Add(counts, Fnv(WordSeed, token), WordWeight);
            var stem = KoreanTokens.StripParticle(token);
            Add(counts, Fnv(StemSeed, stem), StemWeight);
            for (var i = 0; i + 1 < token.Length; i++)
                Add(counts, Fnv(BigramSeed, token.AsSpan(i, 2)), BigramWeight);
            for (var i = 0; i + 2 < token.Length; i++)
                Add(counts, Fnv(TrigramSeed, token.AsSpan(i, 3)), TrigramWeight);
            if (token.Length == 1)
                Add(counts, Fnv(BigramSeed, token), BigramWeight);
        }
        else
        {
            Add(counts, Fnv(WordSeed, token), 1f);
            if (token.Length > 3)
            {
                var padded = "#" + token + "#";
                for (var i = 0; i + 2 < padded.Length; i++)
                    Add(counts, Fnv(LatinSeed, padded.AsSpan(i, 3)), LatinWeight);
            }
        }
    }

    private static void Add(Dictionary<ulong, (float Weight, int Count)> counts, ulong hash, float weight)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, hash, out _);
        slot = (weight, slot.Count + 1);
    }

    /// <summary>64-bit FNV-1a over the UTF-16 code units, then a final avalanche so low bits spread well.</summary>
    private static ulong Fnv(ulong seed, ReadOnlySpan<char> text)
    {
        var hash = 14695981039346656037UL ^ seed;
        foreach (var c in text)
        {
            hash ^= (byte)c;
            hash *= 1099511628211UL;
            hash ^= (byte)(c >> 8);
            hash *= 1099511628211UL;
        }
        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCDUL;
        hash ^= hash >> 33;
        return hash;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata)) return _metadata;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
    }
}
