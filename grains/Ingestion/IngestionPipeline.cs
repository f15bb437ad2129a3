using System.Diagnostics;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>Ingestion's named steps, in order.</summary>
public enum IngestionStep { Parse = 0, Chunk = 1, Embed = 2, Index = 3 }

/// <summary>A document version to ingest: who it is, and how to read its stored bytes.</summary>
public sealed record IngestionJob(string DocumentId, int Version, string FileName, string? ContentType, string Title,
    IReadOnlyList<string> Tags, string CollectionId, Func<CancellationToken, Task<Stream>> OpenContent);

/// <summary>Where a run records what it finished. The document grain persists each finished step with its output, so a
/// restarted or retried run resumes after the last finished step; callers with nothing to resume use
/// <see cref="IngestionJournal.None"/>.</summary>
public interface IIngestionJournal
{
    /// <summary>The last finished step of this version's run, or null.</summary>
    IngestionStep? LastCompleted { get; }

    /// <summary>The recorded output of a finished step, or null when it is no longer available (the step then runs again).</summary>
    Task<T?> ReadAsync<T>(IngestionStep step, CancellationToken cancellationToken) where T : class;

    /// <summary>A step starts; <paramref name="title"/> is the document's title once parsing found one.</summary>
    Task StartingAsync(IngestionStep step, string? title);

    /// <summary>A step finished with its output (for Index: the <see cref="IngestionResult"/>).</summary>
    Task CompletedAsync<T>(IngestionStep step, T output, CancellationToken cancellationToken) where T : class;
}

/// <summary>What an ingestion run produced: the chunk count and the ready time, which is the revision every silo's index
/// compares against.</summary>
public sealed record IngestionResult(int ChunkCount, DateTimeOffset ReadyAt, string CollectionId);

public static class IngestionJournal
{
    /// <summary>Records nothing: every run starts at parsing (tests, benchmarks, tools).</summary>
    public static IIngestionJournal None { get; } = new NoJournal();

    private sealed class NoJournal : IIngestionJournal
    {
        public IngestionStep? LastCompleted => null;
        public Task<T?> ReadAsync<T>(IngestionStep step, CancellationToken cancellationToken) where T : class => Task.FromResult<T?>(null);
        public Task StartingAsync(IngestionStep step, string? title) => Task.CompletedTask;
        public Task CompletedAsync<T>(IngestionStep step, T output, CancellationToken cancellationToken) where T : class => Task.CompletedTask;
    }
}

/// <summary>Ingestion as named steps (parse → chunk → embed → index), each callable alone and each recorded in the
/// journal as it finishes. <see cref="RunAsync"/> is the one path the document grain, the tests and the benchmarks take;
/// the index step publishes through <see cref="DocumentIndexer"/> as in production.</summary>
public sealed class IngestionPipeline(
    IDocumentParser parser,
    IChunker chunker,
    IEmbeddingGenerator<string, Embedding<float>> embedder,
    DocumentIndexer indexer,
    IOptions<KnowledgeBaseOptions> options,
    TimeProvider clock,
    ILogger<IngestionPipeline> logger)
{
    public async Task<IngestionResult> RunAsync(IngestionJob job, IIngestionJournal journal, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var done = journal.LastCompleted;
        var title = job.Title;

        // Resume after the last finished step whose output is still there; otherwise from the step before it.
        IReadOnlyList<IndexedChunk>? chunks = done >= IngestionStep.Embed ? await journal.ReadAsync<List<IndexedChunk>>(IngestionStep.Embed, cancellationToken) : null;
        IReadOnlyList<ChunkDraft>? drafts = chunks is null && done >= IngestionStep.Chunk ? await journal.ReadAsync<List<ChunkDraft>>(IngestionStep.Chunk, cancellationToken) : null;
        ParsedDocument? parsed = chunks is null && drafts is null && done >= IngestionStep.Parse ? await journal.ReadAsync<ParsedDocument>(IngestionStep.Parse, cancellationToken) : null;

        if (chunks is null)
        {
            if (drafts is null)
            {
                if (parsed is null)
                {
                    await journal.StartingAsync(IngestionStep.Parse, null);
                    parsed = await ParseAsync(job, cancellationToken);
                    await journal.CompletedAsync(IngestionStep.Parse, parsed, cancellationToken);
                }
                if (!string.IsNullOrWhiteSpace(parsed.Title)) title = parsed.Title;
                await journal.StartingAsync(IngestionStep.Chunk, title);
                var chunked = await Task.Run(() => Chunk(parsed), cancellationToken);
                drafts = chunked;
                await journal.CompletedAsync(IngestionStep.Chunk, chunked as List<ChunkDraft> ?? chunked.ToList(), cancellationToken);
            }
            await journal.StartingAsync(IngestionStep.Embed, title);
            var embedded = await EmbedAsync(job.DocumentId, job.FileName, title, job.Tags, drafts, cancellationToken);
            chunks = embedded;
            await journal.CompletedAsync(IngestionStep.Embed, embedded, cancellationToken);
        }

        await journal.StartingAsync(IngestionStep.Index, title);
        var readyAt = clock.GetUtcNow();
        await indexer.PublishAsync(job.DocumentId, job.Version, readyAt.UtcTicks, job.CollectionId, chunks, cancellationToken);
        var result = new IngestionResult(chunks.Count, readyAt, job.CollectionId);
        await journal.CompletedAsync(IngestionStep.Index, result, cancellationToken);
        logger.LogInformation("Ingested {DocumentId} v{Version}: {Chunks} chunks in {Elapsed} ms (resumed after {Step})",
            job.DocumentId, job.Version, chunks.Count, watch.ElapsedMilliseconds, done?.ToString() ?? "nothing");
        return result;
    }

    /// <summary>Ingests bytes at hand (tests, benchmarks, tools) through the same steps, as version 1, recording nothing.</summary>
    public Task<IngestionResult> RunAsync(string documentId, Stream content, string fileName, string? contentType, IReadOnlyList<string> tags,
        CancellationToken cancellationToken = default)
        => RunAsync(new IngestionJob(documentId, 1, fileName, contentType, Path.GetFileNameWithoutExtension(fileName), tags,
                DefaultCollection.Id, _ => Task.FromResult(content)),
            IngestionJournal.None, cancellationToken);

    /// <summary>Reads the stored bytes and parses them on the thread pool (parsers are CPU-bound).</summary>
    public async Task<ParsedDocument> ParseAsync(IngestionJob job, CancellationToken cancellationToken)
    {
        await using var content = await job.OpenContent(cancellationToken);
        var buffered = new MemoryStream();
        await content.CopyToAsync(buffered, cancellationToken);
        buffered.Position = 0;
        return await Task.Run(() => parser.Parse(buffered, job.FileName, job.ContentType), cancellationToken);
    }

    public IReadOnlyList<ChunkDraft> Chunk(ParsedDocument document)
    {
        var chunks = chunker.Chunk(document);
        if (chunks.Count == 0)
            throw new DocumentRejectedException("no_text", "문서에서 텍스트를 찾을 수 없습니다. (No readable text was found in the document.)");
        return chunks;
    }

    /// <summary>Embeds chunk texts in batches. Transient model errors (429, 5xx, timeouts) are retried with backoff by the
    /// model client itself (OPENAI_MAX_RETRIES, honouring Retry-After); what still fails marks the document failed, retryable.</summary>
    public async Task<List<IndexedChunk>> EmbedAsync(
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

    public static string ChunkId(string documentId, int index) => $"{documentId}_{index:0000}";

    /// <summary>The title and section path travel with the text so that a chunk is found by the heading it sits under.</summary>
    private static string EmbeddingText(string title, ChunkDraft chunk)
        => string.IsNullOrEmpty(chunk.Section) ? $"{title}\n{chunk.Text}" : $"{chunk.Section}\n{chunk.Text}";
}
