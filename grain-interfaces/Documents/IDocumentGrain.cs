namespace KnowledgeBase.Contracts;

/// <summary>One document keyed by its id (doc_ + 12 hex of SHA-256): its file and its parse, chunk, embed, index pipeline.</summary>
[Alias("kb.IDocumentGrain")]
public interface IDocumentGrain : IGrainWithStringKey
{
    /// <summary>Registers the upload and starts ingestion in the background; returns at once.</summary>
    [Alias("Submit")]
    Task<DocumentSubmitResult> SubmitAsync(DocumentUpload upload);

    /// <summary>Replaces the content with a new version; the old one stays searchable until the new one is ready.</summary>
    [Alias("Replace")]
    Task<DocumentInfo> ReplaceAsync(DocumentUpload upload);

    [AlwaysInterleave, Alias("Get")]
    Task<DocumentInfo?> GetAsync();

    [Alias("Reindex")]
    Task<DocumentInfo?> ReindexAsync();

    [Alias("Delete")]
    Task<bool> DeleteAsync();

    /// <summary>Moves the document to another collection (문서함); in force on every silo within a second, nothing re-embedded.</summary>
    [Alias("Move")]
    Task<DocumentInfo?> MoveAsync(string collectionId);
}
