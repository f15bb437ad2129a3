using System.Text;
using System.Text.Json;
using KnowledgeBase.Api.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgeBase.Tests.Api;

/// <summary>The SSE writer on its own, with a clock the test moves: a quiet stream gets a heartbeat comment every
/// interval (proxies keep it open), events are framed as `event:` + one `data:` line, and closing stops the heartbeat.</summary>
public sealed class SseWriterTests
{
    [Fact]
    public async Task A_quiet_stream_gets_a_heartbeat_comment_each_interval_and_none_after_it_ends()
    {
        var clock = new ManualClock();
        var body = new MemoryStream();
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddSingleton<TimeProvider>(clock).BuildServiceProvider() };
        context.Response.Body = body;

        // The api's JSON settings: Korean as UTF-8, markup characters escaped.
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
        };
        var sse = await SseWriter.StartAsync(context, json);
        await sse.WriteAsync("meta", new { conversationId = "conv_1", title = "연차 <b>" }, CancellationToken.None);
        Assert.Equal(SseWriter.HeartbeatInterval, clock.Period);
        for (var beat = 1; beat <= 2; beat++)
        {
            var before = body.Length;
            clock.Tick();
            await WaitUntilAsync(() => body.Length > before);
        }
        await sse.DisposeAsync();
        clock.Tick(); // the timer is gone: nothing more is written

        Assert.Equal("text/event-stream; charset=utf-8", context.Response.ContentType);
        Assert.Equal("no", context.Response.Headers["X-Accel-Buffering"]);
        Assert.Equal("event: meta\ndata: {\"conversationId\":\"conv_1\",\"title\":\"연차 \\u003Cb\\u003E\"}\n\n: heartbeat\n\n: heartbeat\n\n",
            Encoding.UTF8.GetString(body.ToArray()));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), "the heartbeat was not written");
    }

    /// <summary>A TimeProvider whose timers fire only when the test says so.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private readonly List<ManualTimer> _timers = [];

        public TimeSpan Period { get; private set; }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Period = period;
            var timer = new ManualTimer(callback, state);
            lock (_timers) _timers.Add(timer);
            return timer;
        }

        public void Tick()
        {
            ManualTimer[] timers;
            lock (_timers) timers = [.. _timers];
            foreach (var timer in timers) timer.Fire();
        }

        private sealed class ManualTimer(TimerCallback callback, object? state) : ITimer
        {
            private volatile bool _disposed;

            public void Fire()
            {
                if (!_disposed) callback(state);
            }

            public bool Change(TimeSpan dueTime, TimeSpan period) => !_disposed;

            public void Dispose() => _disposed = true;

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
