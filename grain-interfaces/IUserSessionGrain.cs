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

/// <summary>One conversation's turns, keyed "{userId}/{conversationId}"; only the owner's session grain calls it.</summary>
[Alias("kb.IConversationGrain")]
public interface IConversationGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<Conversation?> GetAsync();

    /// <summary>The last turns, oldest first, for follow-up questions and the prompt's history.</summary>
    [Alias("Recent")]
    Task<IReadOnlyList<ConversationTurn>> RecentAsync(int count);

    [Alias("Append")]
    Task AppendAsync(string title, ConversationTurn turn);

    /// <summary>Puts <paramref name="turn"/> in place of the last turn when that is <paramref name="replacedMessageId"/>
    /// (a regenerated or edited question); appends it otherwise.</summary>
    [Alias("ReplaceLast")]
    Task ReplaceLastAsync(string title, string replacedMessageId, ConversationTurn turn);

    [Alias("Rename")]
    Task RenameAsync(string title);

    /// <summary>Sets feedback on one turn; returns the turn, or null when this conversation has no such message.</summary>
    [Alias("SetFeedback")]
    Task<ConversationTurn?> SetFeedbackAsync(string messageId, MessageFeedback feedback);

    [Alias("Delete")]
    Task DeleteAsync();

    /// <summary>Whether turn <paramref name="messageId"/> is stored in this conversation.</summary>
    [Alias("Holds")]
    Task<bool> HoldsAsync(string messageId);

    /// <summary>Deletes the turns made before <paramref name="cutoff"/>; the number deleted.</summary>
    [Alias("DropTurnsBefore")]
    Task<int> DropTurnsBeforeAsync(DateTimeOffset cutoff);
}
