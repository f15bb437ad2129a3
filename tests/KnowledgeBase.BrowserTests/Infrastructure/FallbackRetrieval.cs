using System.Collections.Concurrent;
using KnowledgeBase.Contracts;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KnowledgeBase.BrowserTests.Infrastructure;

/// <summary>
/// Lets the browser tests run before the product's retrieval exists. Each registration is a TryAdd made after the
/// product's own wiring, so once AddRetrieval registers the real index, retriever and embedder, these are never used.
/// A Hangul-bigram overlap score: enough to find 제60조 for a question about 연차 유급휴가.
/// </summary>
public static class FallbackRetrieval
{
    public static IServiceCollection AddFallbackRetrieval(this IServiceCollection services)
    {
        services.TryAddSingleton<BigramIndex>();
        services.TryAddSingleton<IKnowledgeIndex>(sp => sp.GetRequiredService<BigramIndex>());
        services.TryAddSingleton<IRetriever>(sp => sp.GetRequiredService<BigramIndex>());
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>, ZeroEmbedder>();
        return services;
    }

    private sealed class BigramIndex : IKnowledgeIndex, IRetriever
    {
        private readonly ConcurrentDictionary<string, IReadOnlyList<IndexedChunk>> _documents = new();

        public long ChunkCount => _documents.Values.Sum(d => (long)d.Count);

        public Task ReplaceDocumentAsync(string documentId, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken = default)
        {
            _documents[documentId] = chunks;
            return Task.CompletedTask;
        }

        public Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default)
        {
            _documents.TryRemove(documentId, out _);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<SearchHit>> RetrieveAsync(string query, int topK, IReadOnlyList<string>? tags, CancellationToken cancellationToken = default)
            => SearchAsync(query, default, topK, tags, cancellationToken);

        public Task<IReadOnlyList<SearchHit>> SearchAsync(string query, ReadOnlyMemory<float> queryEmbedding, int topK, IReadOnlyList<string>? tags,
            CancellationToken cancellationToken = default)
        {
            var wanted = Bigrams(query);
            IReadOnlyList<SearchHit> hits = _documents.Values.SelectMany(c => c)
                .Where(c => tags is null || tags.Any(t => c.Tags.Contains(t, StringComparer.OrdinalIgnoreCase)))
                .Select(c => (Chunk: c, Score: Score(wanted, c)))
                .Where(x => x.Score > 0)
                .OrderByDescending(x => x.Score)
                .Take(topK)
                .Select(x => new SearchHit(x.Chunk.ChunkId, x.Chunk.DocumentId, x.Chunk.FileName, x.Chunk.Title, x.Chunk.Section, x.Chunk.Page,
                    x.Score, x.Chunk.Text, x.Chunk.Tags))
                .ToList();
            return Task.FromResult(hits);
        }

        private static double Score(HashSet<string> wanted, IndexedChunk chunk)
        {
            if (wanted.Count == 0) return 0;
            var have = Bigrams(chunk.Section + " " + chunk.Section + " " + chunk.Text);
            return (double)wanted.Count(have.Contains) / wanted.Count;
        }

        private static HashSet<string> Bigrams(string text)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                var w = new string(word.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
                for (var i = 0; i + 1 < w.Length; i++) set.Add(w.Substring(i, 2));
            }
            return set;
        }
    }

    private sealed class ZeroEmbedder : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
            CancellationToken cancellationToken = default)
            => Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(new float[8]))));

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose() { }
    }
}
