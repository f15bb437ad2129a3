namespace KnowledgeBase.Contracts;

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

    /// <summary>The turns whose question or answer contains <paramref name="text"/> (case-insensitive), newest first, at most
    /// <paramref name="max"/>.</summary>
    [Alias("Find")]
    Task<IReadOnlyList<ConversationTurn>> FindAsync(string text, int max);

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
