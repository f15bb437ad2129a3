namespace KnowledgeBase.Grains.Chat;

/// <summary>What a user's session stores about spend: limits, period totals and a sequence for idempotent accounting.</summary>
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
}

/// <summary>A user's conversations with every turn, persisted after each turn.</summary>
public sealed record ConversationsState
{
    public Dictionary<string, StoredConversation> Conversations { get; init; } = new();
}

public sealed record StoredConversation
{
    public string ConversationId { get; init; } = "";
    public string Title { get; set; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<ConversationTurn> Turns { get; init; } = [];

    public ConversationSummary Summary() => new(ConversationId, Title, CreatedAt, UpdatedAt, Turns.Count);

    public Conversation ToContract() => new(ConversationId, Title, CreatedAt, UpdatedAt, Turns.ToList());
}
