using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Models;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Tests.Retrieval;

/// <summary>A hybrid index in a temporary DATA_DIR, with helpers to build chunks embedded by the offline embedder.</summary>
public sealed class TempIndex : IDisposable
{
    public static readonly HashingEmbeddingGenerator Embedder = new();

    public TempIndex(RetrievalOptions? options = null, string? dataDir = null)
    {
        DataDir = dataDir ?? Path.Combine(Path.GetTempPath(), "kb-test-" + Guid.NewGuid().ToString("N")[..10]);
        Options = options ?? new RetrievalOptions();
        Index = Open();
    }

    public string DataDir { get; }
    public RetrievalOptions Options { get; }
    public HybridKnowledgeIndex Index { get; private set; }

    public HybridKnowledgeIndex Open() => new(Microsoft.Extensions.Options.Options.Create(new KnowledgeBaseOptions { DataDir = DataDir }),
        Microsoft.Extensions.Options.Options.Create(Options));

    /// <summary>Closes the index and opens it again from the same directory.</summary>
    public void Reopen()
    {
        Index.Dispose();
        Index = Open();
    }

    public static IndexedChunk Chunk(string documentId, int index, string text, string title = "문서", string section = "",
        params string[] tags)
        => new($"{documentId}_{index:0000}", documentId, documentId + ".txt", title, section, null, text, tags,
            Embedder.Embed($"{title}\n{text}"));

    public Task<IReadOnlyList<SearchHit>> SearchAsync(string query, int topK = 10, IReadOnlyList<string>? tags = null, IReadOnlyCollection<string>? collections = null)
        => Index.SearchAsync(query, Embedder.Embed(query), topK, tags, collections);

    public void Dispose()
    {
        Index.Dispose();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }
}
