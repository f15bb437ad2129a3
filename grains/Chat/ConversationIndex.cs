namespace KnowledgeBase.Grains.Chat;

/// <summary>One user's conversation list (summaries; the turns live in conversation grains). Pure: the session grain
/// stores the two records it works on. The list is written when a conversation is renamed or removed, and otherwise at
/// most every <see cref="WriteInterval"/>; until then the summaries of conversations with new turns travel in the
/// session record (written every turn), so the list is exact after a crash without being rewritten with every answer.</summary>
public sealed class ConversationIndex(ConversationListState list, UserSessionState session)
{
    public const int MaxConversations = 500;
    public static readonly TimeSpan WriteInterval = TimeSpan.FromSeconds(10);

    private DateTimeOffset _writtenAt;

    /// <summary>Changes not yet in the stored list.</summary>
    public bool IsDirty { get; private set; }

    public int Count => list.Conversations.Count;

    /// <summary>Folds the activity the session record carries into the list (after an activation).</summary>
    public void Restore(DateTimeOffset now)
    {
        _writtenAt = now;
        if (session.RecentActivity is not { Count: > 0 } recent) return;
        foreach (var (id, activity) in recent)
        {
            if (list.Conversations.TryGetValue(id, out var summary))
            {
                if (activity.MessageCount >= summary.MessageCount)
                    list.Conversations[id] = summary with { UpdatedAt = activity.UpdatedAt, MessageCount = activity.MessageCount };
            }
            else
            {
                list.Conversations[id] = new ConversationSummary(id, activity.Title, activity.CreatedAt, activity.UpdatedAt, activity.MessageCount);
            }
        }
        IsDirty = true;
    }

    public bool TryGet(string conversationId, out ConversationSummary summary) => list.Conversations.TryGetValue(conversationId, out summary!);

    public bool Contains(string conversationId) => list.Conversations.ContainsKey(conversationId);

    public IReadOnlyList<ConversationSummary> Newest() => list.Conversations.Values.OrderByDescending(c => c.UpdatedAt).ToList();

    /// <summary>A summary for a conversation the question starts (listed once its first turn is stored).</summary>
    public static ConversationSummary Start(string question, DateTimeOffset now)
    {
        var title = question.ReplaceLineEndings(" ");
        return new ConversationSummary(MessageIds.NewConversationId(), title.Length > 40 ? title[..40] + "…" : title, now, now, 0);
    }

    /// <summary>Counts a stored turn. Returns the conversations beyond <see cref="MaxConversations"/> (oldest first), which
    /// leave the list and whose turns the caller deletes, and whether the list must be written now; when it need not, the
    /// conversation's summary travels in the session record instead.</summary>
    public (IReadOnlyList<string> Forgotten, bool WriteList) RecordTurn(string conversationId, string title, DateTimeOffset now)
    {
        var summary = list.Conversations.GetValueOrDefault(conversationId) ?? new ConversationSummary(conversationId, title, now, now, 0);
        var updated = summary with { UpdatedAt = now, MessageCount = summary.MessageCount + 1 };
        list.Conversations[conversationId] = updated;
        IsDirty = true;
        var excess = list.Conversations.Count - MaxConversations;
        var forgotten = excess <= 0 ? [] : list.Conversations.Values.OrderBy(c => c.UpdatedAt).Take(excess).Select(c => c.ConversationId).ToList();
        foreach (var id in forgotten) Remove(id);
        if (forgotten.Count > 0 || now - _writtenAt >= WriteInterval) return (forgotten, true);
        (session.RecentActivity ??= [])[conversationId] = new ConversationActivity(updated.UpdatedAt, updated.MessageCount, updated.Title, updated.CreatedAt);
        return (forgotten, false);
    }

    /// <summary>Counts a turn found stored after its session's silo died before the turn's listing was written; nothing
    /// changes when the list already counts it (its summary is as new as the turn).</summary>
    public IReadOnlyList<string> Recover(string conversationId, string title, DateTimeOffset at)
        => list.Conversations.TryGetValue(conversationId, out var summary) && summary.UpdatedAt >= at ? [] : RecordTurn(conversationId, title, at).Forgotten;

    public bool Rename(string conversationId, string title)
    {
        if (!list.Conversations.TryGetValue(conversationId, out var summary)) return false;
        list.Conversations[conversationId] = summary with { Title = title };
        IsDirty = true;
        return true;
    }

    /// <summary>Removes a conversation from the list and from the session record's activity; true when the session record
    /// carried it (it must then be written first, or a restart would bring the conversation back).</summary>
    public bool Remove(string conversationId)
    {
        list.Conversations.Remove(conversationId);
        IsDirty = true;
        return session.RecentActivity?.Remove(conversationId) == true;
    }

    /// <summary>The list was stored: the activity the session record carried is in it, and leaves the session record with
    /// its next write.</summary>
    public void Written(DateTimeOffset now)
    {
        IsDirty = false;
        _writtenAt = now;
        session.RecentActivity = null;
    }
}
