using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.OpenAiStub;

/// <summary>
/// A local OpenAI-compatible server on 127.0.0.1 that speaks the real wire format (JSON and SSE chunks), for tests and
/// benchmarks that must not reach OpenAI. Answers are deterministic; faults and pacing are injected through options.
/// </summary>
public sealed class OpenAiStubServer : IAsyncDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // OpenAI sends Korean as raw UTF-8, not \u escapes; so does the stub.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] DoneEvent = "data: [DONE]\n\n"u8.ToArray();

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<StubRecordedRequest> _requests = new();
    private long _requestCount;
    private long _faultSequence;
    private long _idSequence;

    private OpenAiStubServer(WebApplication app, OpenAiStubOptions options)
    {
        _app = app;
        Options = options;
    }

    public OpenAiStubOptions Options { get; }

    /// <summary>The base URL to give an OpenAI client, e.g. http://127.0.0.1:41234/v1.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Every request that reached the server, recorded or not.</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    public IReadOnlyList<StubRecordedRequest> Requests => _requests.ToArray();

    public IReadOnlyList<StubRecordedRequest> ChatRequests => _requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).ToArray();

    public IReadOnlyList<StubRecordedRequest> EmbeddingRequests => _requests.Where(r => r.Path.EndsWith("/embeddings", StringComparison.Ordinal)).ToArray();

    public static async Task<OpenAiStubServer> StartAsync(OpenAiStubOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new OpenAiStubOptions();
        // No reload-on-change: the stub holds no file watcher (inotify instance), so a test run can start many.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var server = new OpenAiStubServer(app, options);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.BaseUrl = address.TrimEnd('/') + "/" + options.PathBase.Trim('/');
        return server;
    }

    public void ClearRequests() => _requests.Clear();

    /// <summary>Forgets the recorded requests and starts counting FailFirst and FailWith500 again from zero.</summary>
    public void Reset()
    {
        _requests.Clear();
        Interlocked.Exchange(ref _faultSequence, 0);
    }

    /// <summary>The default responder: a short Korean answer that cites [1] when the prompt has numbered sources.</summary>
    public static string DefaultAnswer(StubChatRequest request)
    {
        var hasSources = request.Messages.Any(m => m.Content.Contains("[1]", StringComparison.Ordinal));
        return hasSources
            ? "제공된 문서에 따르면 연차휴가는 1년간 80퍼센트 이상 출근한 근로자에게 15일이 주어집니다 [1]. 자세한 사항은 인사팀에 문의하세요."
            : "죄송합니다. 제공된 문서에서 질문에 대한 내용을 찾을 수 없습니다.";
    }

    /// <summary>Splits an answer into the stub's deltas: word by word, each space kept at the start of the next piece.</summary>
    public static IReadOnlyList<string> SplitIntoDeltas(string text)
    {
        var pieces = new List<string>();
        var start = 0;
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i] != ' ') continue;
            pieces.Add(text[start..i]);
            start = i;
        }
        if (text.Length > 0) pieces.Add(text[start..]);
        return pieces;
    }

    /// <summary>The default token count: the number of deltas the text would stream as.</summary>
    public static int CountPieces(string text)
    {
        if (string.IsNullOrEmpty(text)) return 0;
        var count = 1;
        for (var i = 1; i < text.Length; i++)
            if (text[i] == ' ') count++;
        return count;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requestCount);
        var options = Options;
        var request = context.Request;
        var response = context.Response;
        var pathBase = "/" + options.PathBase.Trim('/');
        var path = request.Path.Value ?? "";
        var route = path.StartsWith(pathBase, StringComparison.Ordinal) ? path[pathBase.Length..].TrimEnd('/') : null;
        response.Headers["x-request-id"] = "req_stub_" + Interlocked.Increment(ref _idSequence).ToString("x8");

        byte[] body = [];
        if (request.ContentLength is not 0 && HttpMethods.IsPost(request.Method))
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            body = buffer.ToArray();
        }

        var recorder = new Recorder(this, options.RecordRequests, request, path, body);

        if (route is null || !(route is "/chat/completions" or "/embeddings" or "/models"))
        {
            await WriteErrorAsync(response, 404, $"Unknown request URL: {request.Method} {path}.", "invalid_request_error", "unknown_url").ConfigureAwait(false);
            recorder.Save(404);
            return;
        }
        if (route is "/models" != HttpMethods.IsGet(request.Method))
        {
            await WriteErrorAsync(response, 405, $"Method {request.Method} is not allowed on {path}.", "invalid_request_error", "method_not_allowed").ConfigureAwait(false);
            recorder.Save(405);
            return;
        }
        if (options.ApiKey is { } key && request.Headers.Authorization.ToString() != "Bearer " + key)
        {
            await WriteErrorAsync(response, 401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key").ConfigureAwait(false);
            recorder.Save(401);
            return;
        }
        if (route is "/models")
        {
            await WriteModelsAsync(response).ConfigureAwait(false);
            recorder.Save(200);
            return;
        }

        var sequence = options.FaultsOnChatOnly && route is "/embeddings" ? long.MaxValue : Interlocked.Increment(ref _faultSequence);
        if (sequence <= options.FailFirst)
        {
            response.Headers.RetryAfter = options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteErrorAsync(response, 429, "Rate limit reached for requests. Please try again later.", "rate_limit_exceeded", "rate_limit_exceeded").ConfigureAwait(false);
            recorder.Save(429);
            return;
        }
        if (sequence <= (long)options.FailFirst + options.FailWith500)
        {
            await WriteErrorAsync(response, 500, "The server had an error while processing your request.", "server_error", null).ConfigureAwait(false);
            recorder.Save(500);
            return;
        }

        try
        {
            if (route is "/chat/completions")
                await HandleChatAsync(context, options, body, recorder).ConfigureAwait(false);
            else
                await HandleEmbeddingsAsync(context, options, body, recorder).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or FormatException)
        {
            if (!response.HasStarted)
                await WriteErrorAsync(response, 400, "Invalid request body: " + ex.Message, "invalid_request_error", null).ConfigureAwait(false);
            recorder.Save(400);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-answer; nothing left to send.
            recorder.Save(499);
        }
    }

    private async Task HandleChatAsync(HttpContext context, OpenAiStubOptions options, byte[] body, Recorder recorder)
    {
        var chat = ParseChat(body);
        recorder.Chat = chat;
        var answer = options.Responder(chat);
        var deltas = SplitIntoDeltas(answer);
        var finishReason = "stop";
        if (chat.MaxTokens is { } max && max >= 0 && CountWith(options, answer) > max && deltas.Count > max)
        {
            deltas = deltas.Take(max).ToList();
            answer = string.Concat(deltas);
            finishReason = "length";
        }

        var promptTokens = 3 + chat.Messages.Sum(m => 3 + CountWith(options, m.Content));
        var usage = new StubUsage(promptTokens, CountWith(options, answer));
        recorder.AnswerText = answer;
        recorder.Usage = usage;
        var id = "chatcmpl-stub" + Interlocked.Increment(ref _idSequence).ToString("x8");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var ct = context.RequestAborted;
        var response = context.Response;

        if (!chat.Stream)
        {
            await PaceAsync(options, deltas.Count, ct).ConfigureAwait(false);
            response.StatusCode = 200;
            response.ContentType = "application/json";
            WriteJson(response.BodyWriter, w =>
            {
                w.WriteStartObject();
                WriteHeader(w, id, "chat.completion", created, chat.Model);
                w.WriteStartArray("choices");
                w.WriteStartObject();
                w.WriteNumber("index", 0);
                w.WriteStartObject("message");
                w.WriteString("role", "assistant");
                w.WriteString("content", answer);
                w.WriteNull("refusal");
                w.WriteStartArray("annotations");
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteNull("logprobs");
                w.WriteString("finish_reason", finishReason);
                w.WriteEndObject();
                w.WriteEndArray();
                WriteUsage(w, usage);
                w.WriteEndObject();
            });
            recorder.Save(200);
            await response.BodyWriter.FlushAsync(ct).ConfigureAwait(false);
            return;
        }

        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        recorder.Save(200);
        await response.StartAsync(ct).ConfigureAwait(false);
        await response.BodyWriter.FlushAsync(ct).ConfigureAwait(false);

        var includeUsage = chat.IncludeUsage;
        var started = Stopwatch.GetTimestamp();
        if (options.FirstTokenDelay > TimeSpan.Zero) await Task.Delay(options.FirstTokenDelay, ct).ConfigureAwait(false);
        var firstTokenAt = Stopwatch.GetElapsedTime(started);
        options.FirstTokenWaited?.Invoke(chat, firstTokenAt);

        await WriteChunkAsync(response, id, created, chat.Model, includeUsage, role: "assistant", content: "", finishReason: null, ct).ConfigureAwait(false);
        for (var i = 0; i < deltas.Count; i++)
        {
            if (options.TokensPerSecond > 0 && i > 0)
            {
                // Due times come from the start, so timer slack does not add up over a long answer.
                var due = firstTokenAt + TimeSpan.FromSeconds(i / options.TokensPerSecond);
                var wait = due - Stopwatch.GetElapsedTime(started);
                if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, ct).ConfigureAwait(false);
            }
            await WriteChunkAsync(response, id, created, chat.Model, includeUsage, role: null, content: deltas[i], finishReason: null, ct).ConfigureAwait(false);
        }
        await WriteChunkAsync(response, id, created, chat.Model, includeUsage, role: null, content: null, finishReason: finishReason, ct).ConfigureAwait(false);

        if (includeUsage)
        {
            WriteEvent(response.BodyWriter, w =>
            {
                w.WriteStartObject();
                WriteHeader(w, id, "chat.completion.chunk", created, chat.Model);
                w.WriteStartArray("choices");
                w.WriteEndArray();
                WriteUsage(w, usage);
                w.WriteEndObject();
            });
            await response.BodyWriter.FlushAsync(ct).ConfigureAwait(false);
        }
        response.BodyWriter.Write(DoneEvent);
        await response.BodyWriter.FlushAsync(ct).ConfigureAwait(false);
    }

    private static async Task HandleEmbeddingsAsync(HttpContext context, OpenAiStubOptions options, byte[] body, Recorder recorder)
    {
        var embedding = ParseEmbedding(body);
        recorder.Embedding = embedding;
        var dimensions = embedding.Dimensions ?? options.EmbeddingDimensions;
        if (dimensions <= 0) throw new InvalidDataException("dimensions must be positive.");
        var usage = new StubUsage(embedding.Inputs.Sum(i => CountWith(options, i)), 0);
        recorder.Usage = usage;

        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        var base64 = embedding.EncodingFormat == "base64";
        var vector = new float[dimensions];
        var bytes = base64 ? new byte[dimensions * sizeof(float)] : [];
        WriteJson(response.BodyWriter, w =>
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            for (var i = 0; i < embedding.Inputs.Count; i++)
            {
                StubEmbeddings.Fill(embedding.Inputs[i], vector);
                w.WriteStartObject();
                w.WriteString("object", "embedding");
                w.WriteNumber("index", i);
                if (base64)
                {
                    StubEmbeddings.ToLittleEndianBytes(vector, bytes);
                    w.WriteBase64String("embedding", bytes);
                }
                else
                {
                    w.WriteStartArray("embedding");
                    foreach (var value in vector) w.WriteNumberValue(value);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("model", embedding.Model);
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", usage.PromptTokens);
            w.WriteNumber("total_tokens", usage.PromptTokens);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        recorder.Save(200);
        await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task PaceAsync(OpenAiStubOptions options, int tokens, CancellationToken ct)
    {
        var delay = options.FirstTokenDelay;
        if (options.TokensPerSecond > 0 && tokens > 1) delay += TimeSpan.FromSeconds((tokens - 1) / options.TokensPerSecond);
        if (delay > TimeSpan.Zero) await Task.Delay(delay, ct).ConfigureAwait(false);
    }

    private static int CountWith(OpenAiStubOptions options, string text) => string.IsNullOrEmpty(text) ? 0 : options.CountTokens(text);

    private static async Task WriteModelsAsync(HttpResponse response)
    {
        response.StatusCode = 200;
        response.ContentType = "application/json";
        WriteJson(response.BodyWriter, w =>
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var model in new[] { "gpt-4o-mini", "text-embedding-3-small" })
            {
                w.WriteStartObject();
                w.WriteString("id", model);
                w.WriteString("object", "model");
                w.WriteNumber("created", 1_700_000_000);
                w.WriteString("owned_by", "openai-stub");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
        await response.BodyWriter.FlushAsync().ConfigureAwait(false);
    }

    private static async Task WriteChunkAsync(HttpResponse response, string id, long created, string model, bool includeUsage,
        string? role, string? content, string? finishReason, CancellationToken ct)
    {
        WriteEvent(response.BodyWriter, w =>
        {
            w.WriteStartObject();
            WriteHeader(w, id, "chat.completion.chunk", created, model);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            if (role is not null) w.WriteString("role", role);
            if (content is not null) w.WriteString("content", content);
            if (role is not null) w.WriteNull("refusal");
            w.WriteEndObject();
            w.WriteNull("logprobs");
            if (finishReason is null) w.WriteNull("finish_reason");
            else w.WriteString("finish_reason", finishReason);
            w.WriteEndObject();
            w.WriteEndArray();
            // With include_usage the real API puts "usage": null on every chunk but the last.
            if (includeUsage) w.WriteNull("usage");
            w.WriteEndObject();
        });
        await response.BodyWriter.FlushAsync(ct).ConfigureAwait(false);
    }

    private static void WriteHeader(Utf8JsonWriter w, string id, string kind, long created, string model)
    {
        w.WriteString("id", id);
        w.WriteString("object", kind);
        w.WriteNumber("created", created);
        w.WriteString("model", model);
        w.WriteString("system_fingerprint", "fp_stub");
        w.WriteString("service_tier", "default");
    }

    private static void WriteUsage(Utf8JsonWriter w, StubUsage usage)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", usage.PromptTokens);
        w.WriteNumber("completion_tokens", usage.CompletionTokens);
        w.WriteNumber("total_tokens", usage.TotalTokens);
        w.WriteStartObject("prompt_tokens_details");
        w.WriteNumber("cached_tokens", 0);
        w.WriteNumber("audio_tokens", 0);
        w.WriteEndObject();
        w.WriteStartObject("completion_tokens_details");
        w.WriteNumber("reasoning_tokens", 0);
        w.WriteNumber("audio_tokens", 0);
        w.WriteNumber("accepted_prediction_tokens", 0);
        w.WriteNumber("rejected_prediction_tokens", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteEvent(IBufferWriter<byte> output, Action<Utf8JsonWriter> write)
    {
        output.Write(DataPrefix);
        WriteJson(output, write);
        output.Write(EventEnd);
    }

    private static void WriteJson(IBufferWriter<byte> output, Action<Utf8JsonWriter> write)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        write(writer);
        writer.Flush();
    }

    private static Task WriteErrorAsync(HttpResponse response, int status, string message, string type, string? code)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        WriteJson(response.BodyWriter, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("message", message);
            w.WriteString("type", type);
            w.WriteNull("param");
            if (code is null) w.WriteNull("code");
            else w.WriteString("code", code);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        return response.BodyWriter.FlushAsync().AsTask();
    }

    private static StubChatRequest ParseChat(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : throw new InvalidDataException("'model' is required.");
        if (!root.TryGetProperty("messages", out var messagesElement) || messagesElement.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException("'messages' must be an array.");

        var messages = new List<StubMessage>(messagesElement.GetArrayLength());
        foreach (var message in messagesElement.EnumerateArray())
        {
            var role = message.TryGetProperty("role", out var r) ? r.GetString() ?? "" : "";
            messages.Add(new StubMessage(role, ReadContent(message)));
        }
        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var includeUsage = root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
            && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
        int? maxTokens = root.TryGetProperty("max_completion_tokens", out var mct) && mct.ValueKind == JsonValueKind.Number ? mct.GetInt32()
            : root.TryGetProperty("max_tokens", out var mt) && mt.ValueKind == JsonValueKind.Number ? mt.GetInt32() : null;
        double? temperature = root.TryGetProperty("temperature", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : null;
        return new StubChatRequest(model, messages, stream, includeUsage, maxTokens, temperature);
    }

    private static string ReadContent(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content)) return "";
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString() ?? "";
            case JsonValueKind.Array:
                var text = new StringBuilder();
                foreach (var part in content.EnumerateArray())
                    if (part.TryGetProperty("text", out var partText) && partText.ValueKind == JsonValueKind.String)
                        text.Append(partText.GetString());
                return text.ToString();
            default:
                return "";
        }
    }

    private static StubEmbeddingRequest ParseEmbedding(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : throw new InvalidDataException("'model' is required.");
        if (!root.TryGetProperty("input", out var input)) throw new InvalidDataException("'input' is required.");

        var inputs = new List<string>();
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                inputs.Add(input.GetString()!);
                break;
            case JsonValueKind.Array:
                foreach (var item in input.EnumerateArray())
                    // Token-id arrays are embedded by their text form; the vector only has to be deterministic.
                    inputs.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText());
                break;
            default:
                throw new InvalidDataException("'input' must be a string or an array.");
        }
        if (inputs.Count == 0) throw new InvalidDataException("'input' must not be empty.");

        var format = root.TryGetProperty("encoding_format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "float";
        if (format is not ("float" or "base64")) throw new InvalidDataException($"encoding_format '{format}' is not supported.");
        int? dimensions = root.TryGetProperty("dimensions", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetInt32() : null;
        return new StubEmbeddingRequest(model, inputs, format, dimensions);
    }

    /// <summary>Collects what one request was and what it got, then stores it once.</summary>
    private sealed class Recorder(OpenAiStubServer server, bool enabled, HttpRequest request, string path, byte[] body)
    {
        public StubChatRequest? Chat { get; set; }
        public StubEmbeddingRequest? Embedding { get; set; }
        public string? AnswerText { get; set; }
        public StubUsage? Usage { get; set; }

        private bool _saved;

        public void Save(int status)
        {
            if (!enabled || _saved) return;
            _saved = true;
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var header in request.Headers) headers[header.Key] = header.Value.ToString();
            server._requests.Enqueue(new StubRecordedRequest(
                request.Method, path, headers, Encoding.UTF8.GetString(body), status, Chat, Embedding,
                status == 200 ? AnswerText : null, status == 200 ? Usage : null));
        }
    }
}
