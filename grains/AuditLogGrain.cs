using System.Data.Common;
using KnowledgeBase.Grains.Audit;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Grains;

/// <summary>The audit chain's writer (key "all"). It keeps the head (last sequence and hash) in memory, so an append is
/// one insert; the sequence's primary key refuses a second writer's entry (a restore command, a duplicate activation),
/// and then the head is read again and the append retried. Every stored entry is also logged under
/// <see cref="GrainAuditLog.LogCategory"/>, which the OTLP log exporter sends off the machine.</summary>
public sealed partial class AuditLogGrain(AuditStore store, TimeProvider clock, ILoggerFactory loggers) : Grain, IAuditLogGrain
{
    private readonly ILogger _logger = loggers.CreateLogger(GrainAuditLog.LogCategory);
    private AuditEntry? _head;
    private bool _headKnown;

    public async Task<AuditEntry> AppendAsync(AuditEvent auditEvent)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (!_headKnown)
            {
                _head = await store.ReadHeadAsync();
                _headKnown = true;
            }
            var entry = AuditStore.Next(_head, auditEvent, clock.GetUtcNow());
            try
            {
                await store.InsertAsync(entry);
            }
            catch (DbException) when (attempt < 5)
            {
                _headKnown = false;
                continue;
            }
            catch
            {
                _headKnown = false;
                throw;
            }
            _head = entry;
            Stored(_logger, entry.Action, entry.ActorId, entry.ActorEmail, entry.Address, entry.Target, entry.Detail, entry.Sequence, entry.Hash);
            return entry;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "audit {AuditAction} by {ActorId} ({ActorEmail}) from {Address} on {Target}: {Detail} [#{Sequence} {Hash}]")]
    private static partial void Stored(ILogger logger, string auditAction, string actorId, string actorEmail, string address, string target, string detail, long sequence, string hash);
}
