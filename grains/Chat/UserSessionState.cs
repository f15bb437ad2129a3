namespace KnowledgeBase.Grains.Chat;

/// <summary>What a user's session stores: profile, limits, period totals with a sequence for idempotent accounting.
/// Rewritten after every turn, so it stays small: the conversation list is a state of its own.</summary>
public sealed record UserSessionState
{
    public UserProfile? Profile { get; set; }
    public BudgetLimits? Limits { get; set; }
    public string Day { get; set; } = "";
    public string Month { get; set; } = "";
    public long UsedToday { get; set; }
    public long UsedThisMonth { get; set; }
    public decimal CostToday { get; set; }
    public decimal CostThisMonth { get; set; }
    public long RequestsToday { get; set; }
    public long RequestsThisMonth { get; set; }
    public long Sequence { get; set; }
    public DateTimeOffset? LastActivityAt { get; set; }

    /// <summary>The time and message count of conversations that had turns since the list was last written (a few
    /// entries): written with every turn, so the list is exact after a crash or a restore without being rewritten.</summary>
    public Dictionary<string, ConversationActivity>? RecentActivity { get; set; }

    /// <summary>Where the conversation list was kept before it had its own state; moved out when the grain activates.</summary>
    public Dictionary<string, ConversationSummary>? Conversations { get; set; }
}

public sealed record ConversationActivity(DateTimeOffset UpdatedAt, int MessageCount);

/// <summary>The user's conversations (their turns live in conversation grains). Written when a conversation is added,
/// renamed or removed, and otherwise at most every few seconds and when the grain deactivates; in between, a turn's new
/// time and message count travel in the session record. A busy user no longer rewrites the whole list (up to 500
/// entries) with every answer.</summary>
public sealed record ConversationListState
{
    public Dictionary<string, ConversationSummary> Conversations { get; init; } = new();
}
