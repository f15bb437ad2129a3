namespace KnowledgeBase.Contracts;

/// <summary>Appends to the audit chain (single activation, key "all"): one writer keeps the chain linear across the
/// cluster, and the database's primary key on the sequence refuses a fork from any other writer.</summary>
[Alias("kb.IAuditLogGrain")]
public interface IAuditLogGrain : IGrainWithStringKey
{
    [Alias("Append")]
    Task<AuditEntry> AppendAsync(AuditEvent auditEvent);
}
