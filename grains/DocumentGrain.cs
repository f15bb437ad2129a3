using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Ingestion;
using KnowledgeBase.Grains.Storage;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Grains;

public sealed record DocumentState
{
    public DocumentInfo? Info { get; set; }

    /// <summary>The version whose chunk file was last published (deleted when a newer version is ready).</summary>
    public int? PublishedVersion { get; set; }
}

/// <summary>One document: its stored file and its ingestion (parse, chunk, embed, index). Ingestion runs in the
/// background; every step is persisted, so a restarted silo resumes unfinished work. The index swaps a document's
/// chunks atomically, so searches see the old version until the new one is complete.</summary>
public sealed class DocumentGrain(
    [PersistentState("document", "kb")] IPersistentState<DocumentState> state,
    IngestionPipeline pipeline,
    DocumentIndexer indexer,
    IBlobStore blobs,
    TimeProvider clock,
    ILogger<DocumentGrain> logger) : Grain, IDocumentGrain
{
    private Task? _running;
    private CancellationTokenSource? _cancel;

    private DocumentInfo? Info => state.State.Info is { Status: not DocumentStatus.Deleted } info ? info : null;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Info is { Status: not (DocumentStatus.Ready or DocumentStatus.Failed) }) StartIngestion();
        return Task.CompletedTask;
    }

    public async Task<DocumentSubmitResult> SubmitAsync(DocumentUpload upload)
    {
        if (Info is { } existing) return new DocumentSubmitResult(existing, false);
        var now = clock.GetUtcNow();
        await SaveAsync(new DocumentInfo(this.GetPrimaryKeyString(), upload.FileName, Path.GetFileNameWithoutExtension(upload.FileName),
            upload.ContentType, upload.SizeBytes, upload.Sha256, DocumentStatus.Queued, null, 0, upload.Tags, upload.UploadedBy,
            now, now, 1, upload.BlobKey, null, DefaultCollection.Of(upload.CollectionId)));
        StartIngestion();
        return new DocumentSubmitResult(Info!, true);
    }

    public async Task<DocumentInfo> ReplaceAsync(DocumentUpload upload)
    {
        var current = Info ?? throw new InvalidOperationException("Document does not exist.");
        await StopRunningAsync();
        var previousBlob = current.BlobKey;
        await SaveAsync(current with
        {
            FileName = upload.FileName,
            Title = Path.GetFileNameWithoutExtension(upload.FileName),
            ContentType = upload.ContentType,
            SizeBytes = upload.SizeBytes,
            Sha256 = upload.Sha256,
            Status = DocumentStatus.Queued,
            Error = null,
            ErrorCode = null,
            Tags = upload.Tags.Count > 0 ? upload.Tags : current.Tags,
            UpdatedAt = clock.GetUtcNow(),
            Version = current.Version + 1,
            BlobKey = upload.BlobKey,
        });
        StartIngestion(previousBlob);
        return Info!;
    }

    public Task<DocumentInfo?> GetAsync() => Task.FromResult(Info);

    /// <summary>Moves the document to another collection: stored first (the catalog then pushes the change to every
    /// silo), then the shared vectors' metadata and this silo's index are changed in place. Nothing is embedded again.</summary>
    public async Task<DocumentInfo?> MoveAsync(string collectionId)
    {
        if (Info is not { } info) return null;
        if (info.Collection == collectionId) return info;
        await SaveAsync(info with { CollectionId = collectionId, UpdatedAt = clock.GetUtcNow() });
        if (state.State.PublishedVersion is not null) await indexer.MoveAsync(info.DocumentId, collectionId);
        logger.LogInformation("Document {DocumentId} moved from {From} to {To}", info.DocumentId, info.Collection, collectionId);
        return Info;
    }

    public async Task<DocumentInfo?> ReindexAsync()
    {
        if (Info is null) return null;
        await StopRunningAsync();
        await SaveAsync(Info with { Status = DocumentStatus.Queued, Error = null, ErrorCode = null, UpdatedAt = clock.GetUtcNow() });
        StartIngestion();
        return Info;
    }

    public async Task<bool> DeleteAsync()
    {
        var info = Info;
        if (info is null) return false;
        await StopRunningAsync();
        await indexer.RemoveAsync(info.DocumentId, state.State.PublishedVersion is { } published ? [published, info.Version] : [info.Version]);
        await blobs.DeleteAsync(info.BlobKey);
        await GrainFactory.GetGrain<IDocumentCatalogGrain>("all").RemoveAsync(info.DocumentId);
        state.State.Info = info with { Status = DocumentStatus.Deleted, UpdatedAt = clock.GetUtcNow(), ChunkCount = 0 };
        await state.WriteStateAsync();
        DeactivateOnIdle();
        return true;
    }

    private void StartIngestion(string? blobToDeleteWhenReady = null)
    {
        _cancel = new CancellationTokenSource();
        var token = _cancel.Token;
        _running = RunAsync(blobToDeleteWhenReady, token);
    }

    private async Task StopRunningAsync()
    {
        if (_running is null) return;
        _cancel?.Cancel();
        try { await _running; } catch (OperationCanceledException) { }
        _running = null;
    }

    /// <summary>How often ingestion starts over after a transient failure (a silo it called died, or the vector store did
    /// not answer) before the document is marked failed; the waits between attempts (1, 2, 4, 8, 8 ... s, about a minute
    /// in all) outlast the membership's detection of a dead silo and a vector store's restart or brief overload.</summary>
    private const int ClusterAttempts = 10;

    private async Task RunAsync(string? blobToDeleteWhenReady, CancellationToken cancellationToken)
    {
        // Let the caller's turn finish first: the upload request never waits for ingestion.
        await Task.Yield();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await IngestAsync(blobToDeleteWhenReady, retryClusterErrors: attempt < ClusterAttempts, cancellationToken);
                return;
            }
            catch (Exception ex) when (Retryable(ex) && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Ingestion of {DocumentId} hit a transient failure ({Error}); attempt {Attempt} of {Attempts}",
                    Info?.DocumentId, ex.GetType().Name, attempt, ClusterAttempts);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(8, 1 << (attempt - 1))), cancellationToken);
            }
        }
    }

    private static bool Retryable(Exception ex) => ClusterErrors.IsTransient(ex) || ex is VectorStoreUnavailableException;

    private async Task IngestAsync(string? blobToDeleteWhenReady, bool retryClusterErrors, CancellationToken cancellationToken)
    {
        var info = Info!;
        try
        {
            await using var content = await blobs.OpenReadAsync(info.BlobKey, cancellationToken)
                ?? throw new DocumentRejectedException("file_missing", "저장된 원본 파일을 찾을 수 없습니다. 다시 업로드해 주세요. (The stored file is missing; upload it again.)");
            // CPU-bound steps run on the thread pool; status changes come back to the grain.
            var buffered = new MemoryStream();
            await content.CopyToAsync(buffered, cancellationToken);
            buffered.Position = 0;

            await SetStatusAsync(DocumentStatus.Parsing);
            var parsed = await Task.Run(() => pipeline.Parse(buffered, info.FileName, info.ContentType), cancellationToken);
            await SetStatusAsync(DocumentStatus.Chunking, parsed.Title);
            var drafts = await Task.Run(() => pipeline.Chunk(parsed), cancellationToken);
            await SetStatusAsync(DocumentStatus.Embedding);
            var chunks = await pipeline.EmbedAsync(info.DocumentId, info.FileName, Info!.Title, Info!.Tags, drafts, cancellationToken);
            await SetStatusAsync(DocumentStatus.Indexing);
            // The ready time is the revision other silos compare against their local index (see IndexManifest).
            var readyAt = clock.GetUtcNow();
            var collection = Info!.Collection;
            await indexer.PublishAsync(info.DocumentId, info.Version, readyAt.UtcTicks, collection, chunks, cancellationToken);
            // A move that landed while the chunks were being written found nothing to move: move them now.
            if (Info!.Collection != collection) await indexer.MoveAsync(info.DocumentId, Info!.Collection, cancellationToken);
            var superseded = state.State.PublishedVersion is { } previous && previous != info.Version ? previous : (int?)null;
            state.State.PublishedVersion = info.Version;
            await SaveAsync(Info! with { Status = DocumentStatus.Ready, ChunkCount = chunks.Count, UpdatedAt = readyAt });
            if (superseded is { } old) await indexer.DeleteChunkFileAsync(info.DocumentId, old, CancellationToken.None);
            if (blobToDeleteWhenReady is not null && blobToDeleteWhenReady != Info!.BlobKey) await blobs.DeleteAsync(blobToDeleteWhenReady, CancellationToken.None);
            logger.LogInformation("Document {DocumentId} v{Version} ready: {Chunks} chunks", info.DocumentId, Info!.Version, chunks.Count);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (retryClusterErrors && Retryable(ex))
        {
            throw;
        }
        catch (VectorStoreUnavailableException ex)
        {
            logger.LogWarning("Ingestion of {DocumentId} stopped: {Reason}", info.DocumentId, ex.Message);
            await SaveAsync(Info! with
            {
                Status = DocumentStatus.Failed,
                ErrorCode = "vector_store_unavailable",
                Error = "벡터 저장소(ChromaDB)에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요. (The vector store is unavailable; retry shortly.)",
                UpdatedAt = clock.GetUtcNow(),
            });
        }
        catch (DocumentRejectedException ex)
        {
            logger.LogInformation("Document {DocumentId} refused: {Code}", info.DocumentId, ex.Code);
            await SaveAsync(Info! with { Status = DocumentStatus.Failed, Error = ex.Message, ErrorCode = ex.Code, UpdatedAt = clock.GetUtcNow() });
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Ingestion of {DocumentId} failed", info.DocumentId);
            await SaveAsync(Info! with
            {
                Status = DocumentStatus.Failed,
                ErrorCode = "ingestion_error",
                Error = "문서를 처리하는 중 오류가 발생했습니다. 다시 시도해 주세요. (Processing failed; retry.) " + ex.GetType().Name,
                UpdatedAt = clock.GetUtcNow(),
            });
        }
    }

    private Task SetStatusAsync(DocumentStatus status, string? title = null)
        => SaveAsync(Info! with { Status = status, Title = string.IsNullOrWhiteSpace(title) ? Info!.Title : title, UpdatedAt = clock.GetUtcNow() });

    private async Task SaveAsync(DocumentInfo info)
    {
        state.State.Info = info;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IDocumentCatalogGrain>("all").UpsertAsync(info);
        if (info.Status is DocumentStatus.Ready or DocumentStatus.Failed)
            Telemetry.KnowledgeBaseTelemetry.IngestionJobs.Add(1, new("outcome", info.Status == DocumentStatus.Ready ? "ready" : "failed"), new("code", info.ErrorCode ?? "none"));
    }
}
