using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Grains.Audit;

/// <summary>Records security-relevant actions in the hash-chained audit log. Use it from endpoints and grains alike:
/// <c>await audit.RecordAsync(new AuditEvent(actorId, email, address, AuditActions.X, target, detail))</c>.</summary>
public interface IAuditLog
{
    /// <summary>Appends the event. Never throws: an audit store that is down must not undo the action it records, so
    /// the event is then written to the error log (which OTLP exports) with everything it would have stored.</summary>
    Task RecordAsync(AuditEvent auditEvent);
}

/// <summary>Appends through <see cref="IAuditLogGrain"/>, the chain's single writer, from the api (in either mode) and
/// from silos.</summary>
public sealed partial class GrainAuditLog(IGrainFactory grains, ILoggerFactory loggers) : IAuditLog
{
    /// <summary>The logging category of audit entries; the OpenTelemetry logging pipeline exports it over OTLP.</summary>
    public const string LogCategory = "KnowledgeBase.Audit";

    private readonly ILogger _logger = loggers.CreateLogger(LogCategory);

    public async Task RecordAsync(AuditEvent auditEvent)
    {
        try
        {
            await grains.GetGrain<IAuditLogGrain>("all").AppendAsync(auditEvent);
        }
        catch (Exception ex)
        {
            NotStored(_logger, ex, auditEvent.Action, auditEvent.ActorId, auditEvent.ActorEmail, auditEvent.Address, auditEvent.Target, auditEvent.Detail);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "audit entry NOT STORED: {AuditAction} by {ActorId} ({ActorEmail}) from {Address} on {Target}: {Detail}")]
    private static partial void NotStored(ILogger logger, Exception ex, string auditAction, string actorId, string actorEmail, string address, string target, string detail);
}
