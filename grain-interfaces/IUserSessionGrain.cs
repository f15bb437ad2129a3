namespace KnowledgeBase.Contracts;

/// <summary>One user's session, keyed by user id: conversations, rate limit and token budget (authoritative).</summary>
[Alias("kb.IUserSessionGrain")]
public interface IUserSessionGrain : IGrainWithStringKey
{
    [Alias("Initialize")]
    Task InitializeAsync(UserProfile profile, BudgetLimits defaultLimits);

    [Alias("GetProfile")]
    Task<UserProfile?> GetProfileAsync();

    /// <summary>Answers a question as a stream of events; disposing the stream cancels generation and charges what was used.</summary>
    [Alias("Ask")]
    IAsyncEnumerable<ChatEvent> AskAsync(ChatRequest request, CancellationToken cancellationToken = default);

    [Alias("ListConversations")]
    Task<IReadOnlyList<ConversationSummary>> ListConversationsAsync();

    [Alias("GetConversation")]
    Task<Conversation?> GetConversationAsync(string conversationId);

    [Alias("RenameConversation")]
    Task<bool> RenameConversationAsync(string conversationId, string title);

    [Alias("DeleteConversation")]
    Task<bool> DeleteConversationAsync(string conversationId);

    /// <summary>Records feedback on one of this user's answers; false when the message is not theirs.</summary>
    [Alias("SubmitFeedback")]
    Task<bool> SubmitFeedbackAsync(string messageId, MessageFeedback feedback);

    [AlwaysInterleave, Alias("GetUsage")]
    Task<UsageSnapshot?> GetUsageAsync();

    [Alias("SetBudget")]
    Task<UsageSnapshot?> SetBudgetAsync(BudgetLimits limits);
}
