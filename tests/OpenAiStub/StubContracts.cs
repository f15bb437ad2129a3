namespace KnowledgeBase.OpenAiStub;

/// <summary>One chat message as the stub read it; multi-part content is joined into one text.</summary>
public sealed record StubMessage(string Role, string Content);

/// <summary>A parsed POST /chat/completions body; what a responder sees.</summary>
public sealed record StubChatRequest(
    string Model,
    IReadOnlyList<StubMessage> Messages,
    bool Stream,
    bool IncludeUsage,
    int? MaxTokens,
    double? Temperature)
{
    public string? LastUserMessage => Messages.LastOrDefault(m => m.Role == "user")?.Content;
}

/// <summary>A parsed POST /embeddings body.</summary>
public sealed record StubEmbeddingRequest(string Model, IReadOnlyList<string> Inputs, string EncodingFormat, int? Dimensions);

/// <summary>Token counts the stub reported for one request.</summary>
public sealed record StubUsage(int PromptTokens, int CompletionTokens)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}

/// <summary>
/// What the stub received and what it answered, for assertions. <see cref="Chat"/> or <see cref="Embedding"/> is set
/// when the body was understood; <see cref="AnswerText"/> and <see cref="Usage"/> when a 200 answer was produced.
/// </summary>
public sealed record StubRecordedRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    int StatusCode,
    StubChatRequest? Chat,
    StubEmbeddingRequest? Embedding,
    string? AnswerText,
    StubUsage? Usage)
{
    public string? Authorization => Headers.TryGetValue("Authorization", out var value) ? value : null;
}
