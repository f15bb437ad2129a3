namespace KnowledgeBase.Contracts;

/// <summary>Reads the audit log (stateless, on any silo, so long reads never hold up appends).</summary>
[Alias("kb.IAuditReaderGrain")]
public interface IAuditReaderGrain : IGrainWithIntegerKey
{
    [Alias("Query")]
    Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query);

    [Alias("Verify"), ResponseTimeout("00:10:00")]
    Task<AuditVerification> VerifyAsync();
}
