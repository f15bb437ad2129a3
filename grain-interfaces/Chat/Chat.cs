namespace KnowledgeBase.Contracts;

/// <summary>A question asked in a conversation (a new one when ConversationId is null). Replaces names the conversation's
/// last turn when the question regenerates or edits it: the new turn takes its place.</summary>
[GenerateSerializer, Immutable, Alias("kb.ChatRequest")]
public sealed record ChatRequest(
    [property: Id(0)] string Question,
    [property: Id(1)] string? ConversationId,
    [property: Id(2)] string? Replaces = null);

/// <summary>A source of an answer. <paramref name="Restricted"/>: its collection is not readable by everyone (the UI shows a
/// lock). <paramref name="Withheld"/>: the reader may no longer read it, so its text was left out.</summary>
[GenerateSerializer, Immutable, Alias("kb.SourceReference")]
public sealed record SourceReference(
    [property: Id(0)] int N,
    [property: Id(1)] string ChunkId,
    [property: Id(2)] string DocumentId,
    [property: Id(3)] string FileName,
    [property: Id(4)] string Title,
    [property: Id(5)] string Section,
    [property: Id(6)] int? Page,
    [property: Id(7)] double Score,
    [property: Id(8)] string Text,
    [property: Id(9)] bool Restricted = false,
    [property: Id(10)] bool Withheld = false,
    [property: Id(11)] string? CollectionId = null);

[GenerateSerializer, Immutable, Alias("kb.TokenUsage")]
public sealed record TokenUsage(
    [property: Id(0)] int PromptTokens,
    [property: Id(1)] int CompletionTokens,
    [property: Id(2)] int TotalTokens)
{
    public static TokenUsage Zero { get; } = new(0, 0, 0);
}

[GenerateSerializer, Immutable, Alias("kb.LatencyBreakdown")]
public sealed record LatencyBreakdown(
    [property: Id(0)] double TaggingMs,
    [property: Id(1)] double RetrievalMs,
    [property: Id(2)] double GenerationMs);

/// <summary>The closed set of events a chat turn streams: meta, sources, delta*, then done or error.</summary>
[GenerateSerializer, Immutable, Alias("kb.ChatEvent")]
public abstract record ChatEvent;

[GenerateSerializer, Immutable, Alias("kb.ChatEvent.Meta")]
public sealed record MetaEvent(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string MessageId,
    [property: Id(2)] string Intent,
    [property: Id(3)] IReadOnlyList<string> Tags) : ChatEvent;

[GenerateSerializer, Immutable, Alias("kb.ChatEvent.Sources")]
public sealed record SourcesEvent(
    [property: Id(0)] IReadOnlyList<SourceReference> Sources) : ChatEvent;

[GenerateSerializer, Immutable, Alias("kb.ChatEvent.Delta")]
public sealed record DeltaEvent(
    [property: Id(0)] string Text) : ChatEvent;

[GenerateSerializer, Immutable, Alias("kb.ChatEvent.Done")]
public sealed record DoneEvent(
    [property: Id(0)] TokenUsage Usage,
    [property: Id(1)] decimal CostUsd,
    [property: Id(2)] double LatencyMs,
    [property: Id(3)] LatencyBreakdown LatencyBreakdown,
    [property: Id(4)] bool NoResult,
    [property: Id(5)] IReadOnlyList<int> CitedSources,
    [property: Id(6)] bool Cached = false) : ChatEvent;

/// <summary>Ends a turn that could not be answered. Codes: rate_limited, budget_exhausted, invalid_request, not_found,
/// model_error, model_timeout (see <see cref="ChatErrorCodes"/>), cancelled.</summary>
[GenerateSerializer, Immutable, Alias("kb.ChatEvent.Error")]
public sealed record ErrorEvent(
    [property: Id(0)] string Code,
    [property: Id(1)] string Message,
    [property: Id(2)] int? RetryAfterSeconds) : ChatEvent;
