using KnowledgeBase.Grains.Audit;

namespace KnowledgeBase.Grains;

/// <summary>Audit queries and chain verification, on whichever silo takes the call.</summary>
[StatelessWorker]
public sealed class AuditReaderGrain(AuditStore store) : Grain, IAuditReaderGrain
{
    public Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query) => store.QueryAsync(query);

    public Task<AuditVerification> VerifyAsync() => store.VerifyAsync();
}
