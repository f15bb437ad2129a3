using System.Collections.Concurrent;
using System.Diagnostics;
using KnowledgeBase.Grains.Telemetry;

namespace KnowledgeBase.Api.Hosting;

/// <summary>The api's share of the product metrics, recorded at the endpoints: request mix, active users, and each
/// chat turn's concurrency, time to first token, duration and outcome (seen in the events the grain streams).</summary>
public static class ApiTelemetry
{
    /// <summary>A user counts as active for this long after their last request.</summary>
    public static readonly TimeSpan ActiveWindow = TimeSpan.FromMinutes(5);

    private static readonly ConcurrentDictionary<string, long> LastSeen = new();

    static ApiTelemetry()
    {
        KnowledgeBaseTelemetry.Meter.CreateObservableGauge("kb.users.active", CountActiveUsers, "{user}",
            "Signed-in users with a request in the last 5 minutes (per api replica).");
    }

    public static void Request(string kind) => KnowledgeBaseTelemetry.Requests.Add(1, KnowledgeBaseTelemetry.Tag("kind", kind));

    public static void Feedback(string rating, string? reason)
        => KnowledgeBaseTelemetry.Feedback.Add(1, KnowledgeBaseTelemetry.Tag("rating", rating), KnowledgeBaseTelemetry.Tag("reason", reason ?? "none"));

    public static void Seen(string userId) => LastSeen[userId] = Stopwatch.GetTimestamp();

    private static int CountActiveUsers()
    {
        var count = 0;
        foreach (var (user, at) in LastSeen)
        {
            if (Stopwatch.GetElapsedTime(at) <= ActiveWindow) count++;
            else LastSeen.TryRemove(new KeyValuePair<string, long>(user, at));
        }
        return count;
    }

    /// <summary>Marks users active as they make authenticated requests.</summary>
    public static IApplicationBuilder UseActiveUserTracking(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.User.FindFirst(UserClaims.UserId)?.Value is { } id) Seen(id);
        return next(context);
    });

    public static ChatTurn StartChat() => new();

    /// <summary>One chat turn as the api sees it; dispose when the response is finished.</summary>
    public sealed class ChatTurn : IDisposable
    {
        private readonly long _started = Stopwatch.GetTimestamp();
        private bool _firstText;
        private string _outcome = "cancelled";
        private bool _cached;

        internal ChatTurn()
        {
            Request("chat");
            KnowledgeBaseTelemetry.ChatsInFlight.Add(1);
        }

        /// <summary>The same events, each observed as it passes.</summary>
        public async IAsyncEnumerable<ChatEvent> Observe(IAsyncEnumerable<ChatEvent> events,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var e in events.WithCancellation(cancellationToken))
            {
                Observe(e);
                yield return e;
            }
        }

        private void Observe(ChatEvent e)
        {
            switch (e)
            {
                case DeltaEvent when !_firstText:
                    _firstText = true;
                    KnowledgeBaseTelemetry.TimeToFirstToken.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds);
                    break;
                case DoneEvent done:
                    _outcome = done.NoResult ? "no_result" : "answered";
                    _cached = done.Cached;
                    break;
                case ErrorEvent error:
                    _outcome = error.Code;
                    break;
            }
        }

        public void Dispose()
        {
            KnowledgeBaseTelemetry.ChatsInFlight.Add(-1);
            var outcome = KnowledgeBaseTelemetry.Tag("outcome", _outcome);
            KnowledgeBaseTelemetry.ChatAnswers.Add(1, outcome, KnowledgeBaseTelemetry.Tag("cached", _cached ? "true" : "false"));
            KnowledgeBaseTelemetry.ChatDuration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, outcome);
        }
    }
}
