using Microsoft.Extensions.AI;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>Embeds the query with the registered embedder and searches the hybrid index with both the text and the vector.
/// Chunks an admin boosted for this question or a close paraphrase (<see cref="BoostRegistry"/>) come first, when the
/// caller may read them and they carry a requested tag.</summary>
public sealed class HybridRetriever(IKnowledgeIndex index, IEmbeddingGenerator<string, Embedding<float>> embedder, BoostRegistry? boosts = null) : IRetriever
{
    private readonly string? _model = embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;

    public async Task<IReadOnlyList<SearchHit>> RetrieveAsync(string query, int topK, IReadOnlyList<string>? tags,
        IReadOnlyCollection<string>? collections, CancellationToken cancellationToken = default)
        => (await RetrieveMeteredAsync(query, topK, tags, collections, cancellationToken)).Hits;

    public async Task<MeteredRetrieval> RetrieveMeteredAsync(string query, int topK, IReadOnlyList<string>? tags,
        IReadOnlyCollection<string>? collections, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(query) || topK <= 0 || collections is { Count: 0 }) return new([], 0, _model);
        var generated = await embedder.GenerateAsync([query], cancellationToken: cancellationToken);
        var tokens = generated.Usage?.InputTokenCount ?? generated.Usage?.TotalTokenCount ?? 0;
        return new(await SearchAsync(query, generated[0], topK, tags, collections, cancellationToken), tokens, _model);
    }

    private async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, Embedding<float> embedding, int topK, IReadOnlyList<string>? tags,
        IReadOnlyCollection<string>? collections, CancellationToken cancellationToken)
    {
        var hits = await index.SearchAsync(query, embedding.Vector, topK, tags, collections, cancellationToken);
        if (boosts is null || boosts.Count == 0) return hits;
        var boosted = boosts.ChunksFor(query, embedding.Vector.Span);
        if (boosted.Count == 0) return hits;

        // Fetched through the caller's collections: a boost never shows a chunk its reader may not see.
        var found = (await index.GetChunksAsync(boosted, collections, cancellationToken))
            .Where(h => tags is not { Count: > 0 } || h.Tags.Any(tags.Contains)).ToList();
        if (found.Count == 0) return hits;
        var top = hits.Count > 0 ? hits[0].Score : 1;
        var ids = found.Select(h => h.ChunkId).ToHashSet(StringComparer.Ordinal);
        return found.Select(h => h with { Score = top }).Concat(hits.Where(h => !ids.Contains(h.ChunkId))).Take(topK).ToList();
    }
}
