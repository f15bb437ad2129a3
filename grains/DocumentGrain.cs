using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Ingestion;
using KnowledgeBase.Grains.Storage;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Grains;

public sealed record DocumentState
{
    /// <summary>The layout of this record; a later release that changes it migrates from this number on purpose.</summary>
    public int SchemaVersion { get; set; } = 1;

    public DocumentInfo? Info { get; set; }

    /// <summary>The version whose chunk file was last published (deleted when a newer version is ready).</summary>
    public int? PublishedVersion { get; set; }

    /// <summary>The last finished step of the current version's ingestion (its output is kept by
    /// <see cref="IngestionArtifacts"/>); null before parsing finished.</summary>
    public IngestionStep? CompletedStep { get; set; }

    /// <summary>The original file of the version being replaced, deleted once the new version is ready.</summary>
    public string? BlobToDeleteWhenReady { get; set; }
}

/// <summary>One document: its stored file and its ingestion (<see cref="IngestionPipeline"/>: parse, chunk, embed,
/// index). Each finished step is recorded with the document, so a retried or restarted run resumes at the step that did
/// not finish. A reminder drives unfinished ingestion (it wakes the document after its silo died) and is removed when the
/// document is ready or failed; the run itself is work the activation waits for before it deactivates. The index swaps a
/// document's chunks atomically, so searches see the old version until the new one is complete.</summary>
public sealed class DocumentGrain(
    [PersistentState("document", "kb")] IPersistentState<DocumentState> state,
    IngestionPipeline pipeline,
    IngestionArtifacts artifacts,
    DocumentIndexer indexer,
    IBlobStore blobs,
    TimeProvider clock,
    ILogger<DocumentGrain> logger) : Grain, IDocumentGrain, IRemindable, IIngestionJournal
{
    private const string ReminderName = "ingest";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    /// <summary>How often a run is retried after a transient failure (a silo it called died, or the vector store did not
    /// answer) before the document is marked failed; the waits between attempts (1, 2, 4, 8, 8 ... s, about a minute in
    /// all) outlast the membership's detection of a dead silo and a vector store's restart or brief overload.</summary>
    private const int ClusterAttempts = 10;

    private Task? _running;
    private CancellationTokenSource? _cancel;

    private DocumentInfo? Info => state.State.Info is { Status: not DocumentStatus.Deleted } info ? info : null;

    private bool Unfinished => Info is { Status: not (DocumentStatus.Ready or DocumentStatus.Failed) };

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Unfinished) StartIngestion();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A run cut short here resumes at its unfinished step when the reminder wakes the document again.
        await StopRunningAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName) return;
        if (Unfinished) StartIngestion();
        else await StopReminderAsync();
    }

    public async Task<DocumentSubmitResult> SubmitAsync(DocumentUpload upload)
    {
        if (Info is { } existing) return new DocumentSubmitResult(existing, false);
        var now = clock.GetUtcNow();
        await BeginAsync(new DocumentInfo(this.GetPrimaryKeyString(), upload.FileName, Path.GetFileNameWithoutExtension(upload.FileName),
            upload.ContentType, upload.SizeBytes, upload.Sha256, DocumentStatus.Queued, null, 0, upload.Tags, upload.UploadedBy,
            now, now, 1, upload.BlobKey, null, DefaultCollection.Of(upload.CollectionId)), blobToDeleteWhenReady: null);
        return new DocumentSubmitResult(Info!, true);
    }

    public async Task<DocumentInfo> ReplaceAsync(DocumentUpload upload)
    {
        var current = Info ?? throw new InvalidOperationException("Document does not exist.");
        await StopRunningAsync();
        await artifacts.DeleteAsync(current.DocumentId, current.Version);
        // The file of a version that never became ready is not kept for the next one.
        if (state.State.BlobToDeleteWhenReady is { } unpublished && unpublished != current.BlobKey) await blobs.DeleteAsync(unpublished);
        await BeginAsync(current with
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
        }, blobToDeleteWhenReady: current.BlobKey);
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
        if (Info is not { } current) return null;
        await StopRunningAsync();
        await artifacts.DeleteAsync(current.DocumentId, current.Version);
        await BeginAsync(current with { Status = DocumentStatus.Queued, Error = null, ErrorCode = null, UpdatedAt = clock.GetUtcNow() },
            state.State.BlobToDeleteWhenReady);
        return Info;
    }

    public async Task<bool> DeleteAsync()
    {
        var info = Info;
        if (info is null) return false;
        await StopRunningAsync();
        await indexer.RemoveAsync(info.DocumentId, state.State.PublishedVersion is { } published ? [published, info.Version] : [info.Version]);
        await artifacts.DeleteAsync(info.DocumentId, info.Version);
        await blobs.DeleteAsync(info.BlobKey);
        if (state.State.BlobToDeleteWhenReady is { } previous) await blobs.DeleteAsync(previous);
        await GrainFactory.GetGrain<IDocumentCatalogGrain>("all").RemoveAsync(info.DocumentId);
        state.State.Info = info with { Status = DocumentStatus.Deleted, UpdatedAt = clock.GetUtcNow(), ChunkCount = 0 };
        state.State.CompletedStep = null;
        state.State.BlobToDeleteWhenReady = null;
        await state.WriteStateAsync();
        await StopReminderAsync();
        DeactivateOnIdle();
        return true;
    }

    /// <summary>Records a new run (no step finished), makes sure the reminder will drive it, and starts it.</summary>
    private async Task BeginAsync(DocumentInfo info, string? blobToDeleteWhenReady)
    {
        state.State.CompletedStep = null;
        state.State.BlobToDeleteWhenReady = blobToDeleteWhenReady;
        await SaveAsync(info);
        await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
        StartIngestion();
    }

    private void StartIngestion()
    {
        if (_running is { IsCompleted: false }) return;
        _cancel = new CancellationTokenSource();
        var token = _cancel.Token;
        // The activation stays while the run lasts; OnDeactivateAsync stops and awaits it.
        DelayDeactivation(TimeSpan.FromHours(1));
        _running = RunAsync(token);
    }

    private async Task StopRunningAsync()
    {
        if (_running is null) return;
        _cancel?.Cancel();
        try { await _running; } catch (OperationCanceledException) { }
        _running = null;
    }

    private async Task StopReminderAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder) await this.UnregisterReminder(reminder);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        // Let the caller's turn finish first: the upload request never waits for ingestion.
        await Task.Yield();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await IngestAsync(retryClusterErrors: attempt < ClusterAttempts, cancellationToken);
                    break;
                }
                catch (Exception ex) when (Retryable(ex) && !cancellationToken.IsCancellationRequested)
                {
                    logger.LogWarning("Ingestion of {DocumentId} hit a transient failure ({Error}) after {Step}; attempt {Attempt} of {Attempts}",
                        Info?.DocumentId, ex.GetType().Name, state.State.CompletedStep?.ToString() ?? "nothing", attempt, ClusterAttempts);
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(8, 1 << (attempt - 1))), cancellationToken);
                }
            }
            if (!Unfinished) await StopReminderAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Storage or the reminder service away: the document stays unfinished and the reminder runs it again.
            logger.LogWarning(ex, "Ingestion of {DocumentId} stopped after {Step}; it resumes at the next reminder", Info?.DocumentId,
                state.State.CompletedStep?.ToString() ?? "nothing");
        }
        finally
        {
            DelayDeactivation(TimeSpan.FromSeconds(-1));
        }
    }

    private IngestionJob Job(DocumentInfo info) => new(info.DocumentId, info.Version, info.FileName, info.ContentType, info.Title, info.Tags, info.Collection,
        async ct => await blobs.OpenReadAsync(info.BlobKey, ct)
            ?? throw new DocumentRejectedException(ErrorCodes.FileMissing, "The stored file is missing; upload it again."));

    private static bool Retryable(Exception ex) => ClusterErrors.IsTransient(ex) || ex is VectorStoreUnavailableException;

    private async Task IngestAsync(bool retryClusterErrors, CancellationToken cancellationToken)
    {
        var info = Info!;
        try
        {
            await pipeline.RunAsync(Job(info), this, cancellationToken);
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
            await FailAsync(ErrorCodes.VectorStoreUnavailable, "The vector store is unavailable; retry shortly.");
        }
        catch (DocumentRejectedException ex)
        {
            logger.LogInformation("Document {DocumentId} refused: {Code}", info.DocumentId, ex.Code);
            await FailAsync(ex.Code, ex.Message);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Ingestion of {DocumentId} failed", info.DocumentId);
            await FailAsync(ErrorCodes.IngestionError, "Processing failed; retry. " + ex.GetType().Name);
        }
    }

    private async Task FailAsync(string code, string message)
    {
        var info = Info!;
        await artifacts.DeleteAsync(info.DocumentId, info.Version);
        state.State.CompletedStep = null;
        await SaveAsync(info with { Status = DocumentStatus.Failed, ErrorCode = code, Error = message, UpdatedAt = clock.GetUtcNow() });
    }

    IngestionStep? IIngestionJournal.LastCompleted => state.State.CompletedStep;

    Task<T?> IIngestionJournal.ReadAsync<T>(IngestionStep step, CancellationToken cancellationToken) where T : class
        => artifacts.ReadAsync<T>(Info!.DocumentId, Info!.Version, step, cancellationToken);

    Task IIngestionJournal.StartingAsync(IngestionStep step, string? title) => SaveAsync(Info! with
    {
        Status = step switch
        {
            IngestionStep.Parse => DocumentStatus.Parsing,
            IngestionStep.Chunk => DocumentStatus.Chunking,
            IngestionStep.Embed => DocumentStatus.Embedding,
            _ => DocumentStatus.Indexing,
        },
        Title = string.IsNullOrWhiteSpace(title) ? Info!.Title : title,
        UpdatedAt = clock.GetUtcNow(),
    });

    async Task IIngestionJournal.CompletedAsync<T>(IngestionStep step, T output, CancellationToken cancellationToken) where T : class
    {
        var info = Info!;
        if (output is IngestionResult result)
        {
            var superseded = state.State.PublishedVersion is { } previous && previous != info.Version ? previous : (int?)null;
            var oldBlob = state.State.BlobToDeleteWhenReady;
            // The outputs kept for resuming go first: a crash before the ready state is stored then redoes the steps.
            await artifacts.DeleteAsync(info.DocumentId, info.Version);
            state.State.PublishedVersion = info.Version;
            state.State.CompletedStep = null;
            state.State.BlobToDeleteWhenReady = null;
            await SaveAsync(info with { Status = DocumentStatus.Ready, ChunkCount = result.ChunkCount, UpdatedAt = result.ReadyAt });
            // A move that landed while the chunks were being written found nothing to move: move them now.
            if (result.CollectionId != info.Collection) await indexer.MoveAsync(info.DocumentId, info.Collection, CancellationToken.None);
            if (superseded is { } old) await indexer.DeleteChunkFileAsync(info.DocumentId, old, CancellationToken.None);
            if (oldBlob is not null && oldBlob != info.BlobKey) await blobs.DeleteAsync(oldBlob, CancellationToken.None);
            return;
        }
        await artifacts.WriteAsync(info.DocumentId, info.Version, step, output, cancellationToken);
        state.State.CompletedStep = step;
        await state.WriteStateAsync();
    }

    /// <summary>Stores the document; the catalog is told only of what its list and the indexes need (a new version
    /// queued, the final state, a move), not of each step in between, which only this grain reports.</summary>
    private async Task SaveAsync(DocumentInfo info)
    {
        var previous = state.State.Info;
        state.State.Info = info;
        await state.WriteStateAsync();
        if (info.Status is DocumentStatus.Queued or DocumentStatus.Ready or DocumentStatus.Failed
            || previous is null || previous.Collection != info.Collection)
            await GrainFactory.GetGrain<IDocumentCatalogGrain>("all").UpsertAsync(info);
        if (info.Status is DocumentStatus.Ready or DocumentStatus.Failed)
            Telemetry.KnowledgeBaseTelemetry.IngestionJobs.Add(1, new("outcome", info.Status == DocumentStatus.Ready ? "ready" : "failed"), new("code", info.ErrorCode ?? "none"));
    }
}
