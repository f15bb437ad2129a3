using KnowledgeBase.Grains.Audit;
using KnowledgeBase.Grains.Retention;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains;

/// <summary>Enforces CHAT_RETENTION_DAYS and QUERY_LOG_RETENTION_DAYS with a daily reminder: every user's old
/// conversations and turns, then every silo's old query-log lines. Each run removes what is older than the retention
/// at that moment, so a missed day is caught up by the next.</summary>
public sealed class RetentionGrain(
    IOptions<RetentionOptions> options,
    [FromKeyedServices(RetentionGrain.ClockKey)] TimeProvider clock,
    IAuditLog audit,
    ILogger<RetentionGrain> logger) : Grain, IRetentionGrain, IRemindable
{
    /// <summary>The clock retention reads (the process clock; tests turn it forward without moving anything else).</summary>
    public const string ClockKey = "retention";
    public static readonly TimeSpan Period = TimeSpan.FromDays(1);
    private static readonly TimeSpan FirstRunDelay = TimeSpan.FromMinutes(5);
    public const string ReminderName = "retention";

    public async Task StartAsync()
    {
        if (options.Value.Enabled)
        {
            await this.RegisterOrUpdateReminder(ReminderName, FirstRunDelay, Period);
            return;
        }
        if (await this.GetReminder(ReminderName) is { } reminder) await this.UnregisterReminder(reminder);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ReminderName) await RunAsync();
    }

    public async Task<RetentionReport> RunAsync()
    {
        var now = clock.GetUtcNow();
        var report = RetentionReport.Empty(now);
        if (options.Value.ChatDays is { } chatDays)
        {
            var cutoff = now.AddDays(-chatDays);
            foreach (var user in await GrainFactory.GetGrain<IUserDirectoryGrain>("all").ListAsync())
            {
                try
                {
                    report = report.Add(await GrainFactory.GetGrain<IUserSessionGrain>(user.UserId).ApplyRetentionAsync(cutoff));
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // One user's failure must not keep everyone else's history: the next run tries them again.
                    logger.LogWarning(ex, "Retention of user {UserId}'s conversations failed; retried at the next run", user.UserId);
                }
            }
        }
        if (options.Value.QueryLogDays is { } logDays)
        {
            var cutoff = now.AddDays(-logDays);
            foreach (var silo in (await GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys)
            {
                try
                {
                    var removed = await GrainFactory.GetGrain<IQueryLogRetentionGrain>(silo.ToParsableString()).PruneAsync(cutoff);
                    report = report with { QueryLogLinesRemoved = report.QueryLogLinesRemoved + removed };
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    logger.LogWarning(ex, "Retention of the query log on silo {Silo} failed; retried at the next run", silo);
                }
            }
        }
        if (report.ConversationsDeleted + report.TurnsDeleted + report.QueryLogLinesRemoved > 0)
        {
            logger.LogInformation("Retention removed {Conversations} conversations, {Turns} turns and {Lines} query-log records",
                report.ConversationsDeleted, report.TurnsDeleted, report.QueryLogLinesRemoved);
            await audit.RecordAsync(new AuditEvent(AuditActions.System, "", "", AuditActions.RetentionPurged, "",
                $"conversations={report.ConversationsDeleted} turns={report.TurnsDeleted} query_log_records={report.QueryLogLinesRemoved}"));
        }
        return report;
    }
}
