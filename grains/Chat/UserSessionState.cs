namespace KnowledgeBase.Grains.Chat;

/// <summary>What a user's session stores: profile, limits, period totals with a sequence for idempotent accounting.
/// Rewritten after every turn, so it stays small: the conversation list is a state of its own.</summary>
public sealed record UserSessionState
{
    /// <summary>The layout of this record; a later release that changes it migrates from this number on purpose.</summary>
    public int SchemaVersion { get; set; } = 1;
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

    /// <summary>The summaries of conversations that had turns since the list was last written (a few entries): written
    /// with every turn, so the list is exact after a crash or a restore without being rewritten.</summary>
    public Dictionary<string, ConversationActivity>? RecentActivity { get; set; }

    /// <summary>Turns whose charge this record holds but whose conversation write was not yet confirmed when it was
    /// written (normally the last turn or two). The charge is written first, then the turn; an activation that finds
    /// entries here (its predecessor's silo died in between) keeps the charge of each turn its conversation holds and
    /// refunds the others, so the usage shown always equals what the stored turns cost.</summary>
    public List<UnconfirmedTurn>? Unconfirmed { get; set; }
}

/// <summary>A charged turn not yet confirmed stored, with what refunding it takes back.</summary>
public sealed record UnconfirmedTurn(string ConversationId, string MessageId, string Title, DateTimeOffset At, long Tokens, decimal Cost,
    string Day, string Month);

/// <summary>A conversation's summary as the session record carries it between writes of the list.</summary>
public sealed record ConversationActivity(DateTimeOffset UpdatedAt, int MessageCount, string Title, DateTimeOffset CreatedAt);

/// <summary>The user's conversations (their turns live in conversation grains). Written when a conversation is renamed
/// or removed, and otherwise at most every few seconds and when the grain deactivates; in between, the summaries of
/// conversations with new turns (new conversations too) travel in the session record, so a busy user does not rewrite
/// the whole list (up to 500 entries) with every answer or every new conversation.</summary>
public sealed record ConversationListState
{
    /// <summary>The layout of this record (see <see cref="UserSessionState.SchemaVersion"/>).</summary>
    public int SchemaVersion { get; set; } = 1;
    public Dictionary<string, ConversationSummary> Conversations { get; init; } = new();
}
