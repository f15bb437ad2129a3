namespace KnowledgeBase.Contracts;

[GenerateSerializer, Immutable, Alias("kb.ConversationSummary")]
public sealed record ConversationSummary(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string Title,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] DateTimeOffset UpdatedAt,
    [property: Id(4)] int MessageCount);

/// <summary>A conversation a search found: by its title (no snippet), or else by the text of a question or answer (then
/// Snippet is the passage around the newest match and MessageId its turn).</summary>
[GenerateSerializer, Immutable, Alias("kb.ConversationMatch")]
public sealed record ConversationMatch(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string Title,
    [property: Id(2)] DateTimeOffset UpdatedAt,
    [property: Id(3)] string? Snippet,
    [property: Id(4)] string? MessageId);

[GenerateSerializer, Immutable, Alias("kb.MessageFeedback")]
public sealed record MessageFeedback(
    [property: Id(0)] string Rating,
    [property: Id(1)] string? Reason,
    [property: Id(2)] string? Comment,
    [property: Id(3)] DateTimeOffset CreatedAt);

/// <summary>One turn: the user's question and the assistant's answer with its sources.</summary>
[GenerateSerializer, Immutable, Alias("kb.ConversationTurn")]
public sealed record ConversationTurn(
    [property: Id(0)] string MessageId,
    [property: Id(1)] string Question,
    [property: Id(2)] string Answer,
    [property: Id(3)] string Intent,
    [property: Id(4)] IReadOnlyList<string> Tags,
    [property: Id(5)] IReadOnlyList<SourceReference> Sources,
    [property: Id(6)] TokenUsage Usage,
    [property: Id(7)] decimal CostUsd,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] bool Completed,
    [property: Id(10)] MessageFeedback? Feedback,
    [property: Id(11)] string? RetrievalQuery,
    [property: Id(12)] double? LatencyMs = null);

[GenerateSerializer, Immutable, Alias("kb.Conversation")]
public sealed record Conversation(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string Title,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] DateTimeOffset UpdatedAt,
    [property: Id(4)] IReadOnlyList<ConversationTurn> Turns);

/// <summary>A feedback report as the admin review list shows it.</summary>
[GenerateSerializer, Immutable, Alias("kb.FeedbackReport")]
public sealed record FeedbackReport(
    [property: Id(0)] string UserId,
    [property: Id(1)] string ConversationId,
    [property: Id(2)] string MessageId,
    [property: Id(3)] string Question,
    [property: Id(4)] string Answer,
    [property: Id(5)] IReadOnlyList<SourceReference> Sources,
    [property: Id(6)] MessageFeedback Feedback);
