using KnowledgeBase.Grains.Chat;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>This silo's copy of the admins' retrieval boosts, with what matching a question against them needs (each
/// boosted question's content terms and embedding). A question matches a boost when it is the boosted question or a close
/// paraphrase: its content terms overlap the boosted question's (Dice ≥ <see cref="MinLexical"/>) or their embeddings are
/// near (cosine ≥ <see cref="MinCosine"/>).</summary>
public sealed class BoostRegistry
{
    public const double MinLexical = 0.6;
    public const double MinCosine = 0.85;

    private sealed record Entry(RetrievalBoost Boost, HashSet<string> Terms, ReadOnlyMemory<float> Embedding);

    private volatile IReadOnlyList<Entry> _entries = [];
    private long _version = -1;

    public long Version => Interlocked.Read(ref _version);

    public int Count => _entries.Count;

    /// <summary>Applies a newer set; embeddings come from <paramref name="embed"/> (the retriever's own embedder).</summary>
    public async Task<bool> ApplyAsync(RetrievalBoosts boosts, Func<string, Task<ReadOnlyMemory<float>>> embed)
    {
        if (boosts.Version <= Version) return false;
        var entries = new List<Entry>(boosts.Boosts.Count);
        foreach (var boost in boosts.Boosts)
            entries.Add(new Entry(boost, SourceSelector.ContentTerms(boost.Question), await embed(boost.Question)));
        _entries = entries;
        Interlocked.Exchange(ref _version, boosts.Version);
        return true;
    }

    /// <summary>The chunks boosted for questions like <paramref name="query"/>, closest match first.</summary>
    public IReadOnlyList<string> ChunksFor(string query, ReadOnlySpan<float> embedding)
    {
        var entries = _entries;
        if (entries.Count == 0 || string.IsNullOrWhiteSpace(query)) return [];
        var terms = SourceSelector.ContentTerms(query);
        List<(string ChunkId, double Similarity)>? matches = null;
        foreach (var entry in entries)
        {
            var lexical = terms.Count + entry.Terms.Count == 0 ? 0 : 2.0 * terms.Count(entry.Terms.Contains) / (terms.Count + entry.Terms.Count);
            var cosine = embedding.Length == entry.Embedding.Length && embedding.Length > 0 ? System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(embedding, entry.Embedding.Span) : 0;
            if (lexical < MinLexical && cosine < MinCosine) continue;
            (matches ??= []).Add((entry.Boost.ChunkId, Math.Max(lexical, cosine)));
        }
        return matches is null ? [] : matches.OrderByDescending(m => m.Similarity).Select(m => m.ChunkId).Distinct(StringComparer.Ordinal).ToList();
    }
}
