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

    /// <summary>Where the conversation list was kept before it had its own state; moved out when the grain activates.</summary>
    public Dictionary<string, ConversationSummary>? Conversations { get; set; }
}

/// <summary>The user's conversations (their turns live in conversation grains). Written when a conversation is added,
/// renamed or removed; a turn's new time and message count are written at most every few seconds and when the grain
/// deactivates, so a busy user no longer rewrites the whole list (up to 500 entries) with every answer.</summary>
public sealed record ConversationListState
{
    public Dictionary<string, ConversationSummary> Conversations { get; init; } = new();
}
