using System.Diagnostics;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Models;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>The named steps of ingestion (parse, chunk, embed, index), each callable alone; the document grain drives them.</summary>
public sealed class IngestionPipeline(
    IDocumentParser parser,
    IChunker chunker,
    IEmbeddingGenerator<string, Embedding<float>> embedder,
    IKnowledgeIndex index,
    IOptions<KnowledgeBaseOptions> options,
    ILogger<IngestionPipeline> logger)
{
    public ParsedDocument Parse(Stream content, string fileName, string? contentType) => parser.Parse(content, fileName, contentType);

    public IReadOnlyList<ChunkDraft> Chunk(ParsedDocument document)
    {
        var chunks = chunker.Chunk(document);
        if (chunks.Count == 0)
            throw new DocumentRejectedException(ErrorCodes.NoText, "No readable text was found in the document.");
        return chunks;
    }

    /// <summary>Embeds chunk texts in batches. Transient model errors (429, 5xx, timeouts) are retried with backoff by the
    /// model client itself (OPENAI_MAX_RETRIES, honouring Retry-After); what still fails marks the document failed, retryable.</summary>
    public async Task<IReadOnlyList<IndexedChunk>> EmbedAsync(
        string documentId, string fileName, string title, IReadOnlyList<string> tags,
        IReadOnlyList<ChunkDraft> chunks, CancellationToken cancellationToken = default)
    {
        var batchSize = Math.Max(1, options.Value.EmbeddingBatchSize);
        var result = new List<IndexedChunk>(chunks.Count);
        for (var start = 0; start < chunks.Count; start += batchSize)
        {
            var batch = chunks.Skip(start).Take(batchSize).ToList();
            var inputs = batch.Select(c => EmbeddingText(title, c)).ToList();
            var embeddings = await embedder.GenerateAsync(inputs, cancellationToken: cancellationToken);
            for (var i = 0; i < batch.Count; i++)
            {
                var c = batch[i];
                result.Add(new IndexedChunk(ChunkId(documentId, c.Index), documentId, fileName, title, c.Section, c.Page,
                    c.Text, tags, embeddings[i].Vector));
            }
        }
        return result;
    }

    public Task IndexAsync(string documentId, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken = default)
        => index.ReplaceDocumentAsync(documentId, chunks, cancellationToken);

    /// <summary>All four steps in order, reporting each step as it starts.</summary>
    public async Task<int> RunAsync(string documentId, Stream content, string fileName, string? contentType,
        IReadOnlyList<string> tags, Func<DocumentStatus, string?, Task>? onStep = null, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        if (onStep is not null) await onStep(DocumentStatus.Parsing, null);
        var parsed = Parse(content, fileName, contentType);
        if (onStep is not null) await onStep(DocumentStatus.Chunking, parsed.Title);
        var drafts = Chunk(parsed);
        if (onStep is not null) await onStep(DocumentStatus.Embedding, parsed.Title);
        var chunks = await EmbedAsync(documentId, fileName, parsed.Title, tags, drafts, cancellationToken);
        if (onStep is not null) await onStep(DocumentStatus.Indexing, parsed.Title);
        await IndexAsync(documentId, chunks, cancellationToken);
        logger.LogInformation("Ingested {DocumentId}: {Chunks} chunks in {Elapsed} ms", documentId, chunks.Count, watch.ElapsedMilliseconds);
        return chunks.Count;
    }

    public static string ChunkId(string documentId, int index) => $"{documentId}_{index:0000}";

    /// <summary>The title and section path travel with the text so that a chunk is found by the heading it sits under.</summary>
    private static string EmbeddingText(string title, ChunkDraft chunk)
        => string.IsNullOrEmpty(chunk.Section) ? $"{title}\n{chunk.Text}" : $"{chunk.Section}\n{chunk.Text}";
}
