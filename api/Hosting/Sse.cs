using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;

namespace KnowledgeBase.Api.Hosting;

/// <summary>Writes Server-Sent Events: one `event:` + `data:` pair per message, flushed at once, and a heartbeat
/// comment every 15 s so proxies keep the connection open. Writes are serialised (the heartbeat runs alongside).
/// Events are serialised as UTF-8 straight into the response's pipe: no intermediate strings per event.</summary>
public sealed class SseWriter : IAsyncDisposable
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);
    private static readonly byte[] EventPrefix = "event: "u8.ToArray();
    private static readonly byte[] DataPrefix = "\ndata: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Heartbeat = ": heartbeat\n\n"u8.ToArray();
    private readonly PipeWriter _body;
    private readonly JsonSerializerOptions _json;
    private readonly Utf8JsonWriter _writer;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly PeriodicTimer _timer;
    private readonly CancellationToken _aborted;
    private readonly Task _heartbeat;

    private SseWriter(HttpResponse response, JsonSerializerOptions json, TimeProvider clock, CancellationToken aborted)
    {
        _body = response.BodyWriter;
        _json = json;
        _writer = new Utf8JsonWriter(_body, new JsonWriterOptions { Encoder = json.Encoder, SkipValidation = true });
        _aborted = aborted;
        _timer = new PeriodicTimer(HeartbeatInterval, clock);
        _heartbeat = HeartbeatAsync();
    }

    public static async Task<SseWriter> StartAsync(HttpContext context, JsonSerializerOptions json)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
        response.Headers.Connection = "keep-alive";
        await response.Body.FlushAsync(context.RequestAborted);
        var clock = context.RequestServices?.GetService<TimeProvider>() ?? TimeProvider.System;
        return new SseWriter(response, json, clock, context.RequestAborted);
    }

    /// <param name="flush">False when more events are already at hand: they go out together in the next flush.</param>
    public async Task WriteAsync(string eventName, object payload, CancellationToken cancellationToken, bool flush = true)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _body.Write(EventPrefix);
            Encoding.UTF8.GetBytes(eventName, _body);
            _body.Write(DataPrefix);
            // JSON text has no raw line breaks, so one data line carries the whole payload.
            _writer.Reset(_body);
            JsonSerializer.Serialize(_writer, payload, payload.GetType(), _json);
            _writer.Flush();
            _body.Write(EventEnd);
            if (flush) await _body.FlushAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await _body.FlushAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    // Ends when DisposeAsync stops the timer: the pending wait then returns false. (Cancelling it instead threw an
    // OperationCanceledException at the end of every answer, ~3% of the api's CPU under load.)
    private async Task HeartbeatAsync()
    {
        try
        {
            while (await _timer.WaitForNextTickAsync())
            {
                await _gate.WaitAsync(_aborted);
                try
                {
                    _body.Write(Heartbeat);
                    await _body.FlushAsync(_aborted);
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (Exception) { /* the client went away; the main loop notices through RequestAborted */ }
    }

    public async ValueTask DisposeAsync()
    {
        _timer.Dispose();
        await _heartbeat;
        await _writer.DisposeAsync();
    }
}
