namespace KnowledgeBase.OpenAiStub;

/// <summary>How the stub answers; read on every request, so a test may change it while the server runs.</summary>
public sealed class OpenAiStubOptions
{
    /// <summary>Produces the answer text. The default answers in Korean and cites [1] when the prompt carries numbered sources.</summary>
    public Func<StubChatRequest, string> Responder { get; set; } = OpenAiStubServer.DefaultAnswer;

    /// <summary>Wait before the first token (streaming: after the headers are sent; otherwise before the response).</summary>
    public TimeSpan FirstTokenDelay { get; set; }

    /// <summary>Called on a streamed answer once the first-token wait is over, with the time the stub really waited:
    /// .NET timers miss the nominal delay here (a 50 ms Task.Delay: +0.6-2 ms at p50, +7-13 ms at p99 on this machine,
    /// and now and then a millisecond early), so a benchmark can subtract the model's real delay from its time to first
    /// token instead of the nominal one.</summary>
    public Action<StubChatRequest, TimeSpan>? FirstTokenWaited { get; set; }

    /// <summary>Pace of the deltas after the first one; 0 sends them as fast as the socket takes them.</summary>
    public double TokensPerSecond { get; set; }

    /// <summary>The first N model requests (counted from start or <see cref="OpenAiStubServer.Reset"/>) get 429 with Retry-After (below) and an OpenAI-style error body.</summary>
    public int FailFirst { get; set; }

    /// <summary>Retry-After sent with the injected 429s, in seconds.</summary>
    public int RetryAfterSeconds { get; set; }

    /// <summary>After the 429s, the next N model requests get 500; int.MaxValue makes the server fail for good.</summary>
    public int FailWith500 { get; set; }

    /// <summary>The injected 429s and 500s hit chat requests only (embeddings keep working), as when the chat model alone
    /// is down.</summary>
    public bool FaultsOnChatOnly { get; set; }

    /// <summary>Vector size when the request names no "dimensions" (1536, as text-embedding-3-small).</summary>
    public int EmbeddingDimensions { get; set; } = 1536;

    /// <summary>When set, requests without "Authorization: Bearer {ApiKey}" get 401 invalid_api_key.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Where the API lives; the stub answers {PathBase}/chat/completions, /embeddings and /models.</summary>
    public string PathBase { get; set; } = "/v1";

    /// <summary>Keep every request for assertions. Turn off for long benchmarks so memory stays flat.</summary>
    public bool RecordRequests { get; set; } = true;

    /// <summary>Token counter for usage; the default counts space-separated pieces, so completion tokens equal deltas.</summary>
    public Func<string, int> CountTokens { get; set; } = OpenAiStubServer.CountPieces;
}
