using Microsoft.Extensions.AI;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>Embeds the query with the registered embedder and searches the hybrid index with both the text and the vector.</summary>
public sealed class HybridRetriever(IKnowledgeIndex index, IEmbeddingGenerator<string, Embedding<float>> embedder) : IRetriever
{
    public async Task<IReadOnlyList<SearchHit>> RetrieveAsync(string query, int topK, IReadOnlyList<string>? tags,
        IReadOnlyCollection<string>? collections, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(query) || topK <= 0 || collections is { Count: 0 }) return [];
        var embedding = await embedder.GenerateAsync(query, cancellationToken: cancellationToken);
        return await index.SearchAsync(query, embedding.Vector, topK, tags, collections, cancellationToken);
    }
}
