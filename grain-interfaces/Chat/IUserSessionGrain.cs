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

    /// <summary>Searches the documents for this user (/api/search): admitted through the user's search rate limit and
    /// budget, and charged the query's embedding tokens at the embedding model's price.</summary>
    [Alias("Search")]
    Task<SearchOutcome> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default);

    [Alias("ListConversations")]
    Task<IReadOnlyList<ConversationSummary>> ListConversationsAsync();

    [Alias("GetConversation")]
    Task<Conversation?> GetConversationAsync(string conversationId);

    /// <summary>This user's conversations whose title, questions or answers contain <paramref name="text"/>
    /// (case-insensitive), newest first, at most <paramref name="max"/>. Answers the user may no longer read are not searched.</summary>
    [Alias("SearchConversations")]
    Task<IReadOnlyList<ConversationMatch>> SearchConversationsAsync(string text, int max);

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

    /// <summary>Counts an upload against the user's hourly quota: null when it may start, else the seconds to wait.</summary>
    [Alias("TryStartUpload")]
    Task<int?> TryStartUploadAsync();

    /// <summary>Erases the user's conversations, feedback and budget (account deletion); spend already counted in the
    /// cost ledgers stays there.</summary>
    [Alias("Erase")]
    Task EraseAsync();

    /// <summary>Deletes this user's conversations with no turn since <paramref name="cutoff"/>, and the older turns of
    /// the others (CHAT_RETENTION_DAYS).</summary>
    [Alias("ApplyRetention")]
    Task<RetentionReport> ApplyRetentionAsync(DateTimeOffset cutoff);
}
