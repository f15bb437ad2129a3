namespace KnowledgeBase.Grains.Chat;

/// <summary>What a user's session stores: profile, limits, period totals with a sequence for idempotent accounting,
/// and the list of the user's conversations (their turns live in conversation grains).</summary>
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
    public Dictionary<string, ConversationSummary> Conversations { get; init; } = new();
}
