namespace KnowledgeBase.Grains;

public sealed record ConversationState
{
    public string ConversationId { get; set; } = "";
    public string Title { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<ConversationTurn> Turns { get; init; } = [];
}

/// <summary>The turns of one conversation. Kept apart from the user's session so that a turn writes one
/// conversation, not the user's whole history; the newest turns are kept up to a cap.</summary>
public sealed class ConversationGrain(
    [PersistentState("conversation", "kb")] IPersistentState<ConversationState> state) : Grain, IConversationGrain
{
    public const int MaxTurns = 200;

    // Older turns keep only the start of each source's text (the source panel links to the original file), so that
    // appending a turn writes a bounded state however long the conversation grows.
    private const int FullSourceTurns = 10;
    private const int TrimmedSourceChars = 300;

    private string ConversationId => this.GetPrimaryKeyString().Split('/', 2)[1];

    public Task<Conversation?> GetAsync() => Task.FromResult(state.RecordExists && state.State.Turns.Count > 0
        ? new Conversation(state.State.ConversationId, state.State.Title, state.State.CreatedAt, state.State.UpdatedAt, state.State.Turns.ToList())
        : null);

    public Task<IReadOnlyList<ConversationTurn>> RecentAsync(int count)
        => Task.FromResult<IReadOnlyList<ConversationTurn>>(state.State.Turns.TakeLast(count).ToList());

    public async Task AppendAsync(string title, ConversationTurn turn)
    {
        if (state.State.Turns.Count == 0)
        {
            state.State.ConversationId = ConversationId;
            state.State.Title = title;
            state.State.CreatedAt = turn.CreatedAt;
        }
        state.State.Turns.Add(turn);
        if (state.State.Turns.Count > MaxTurns) state.State.Turns.RemoveRange(0, state.State.Turns.Count - MaxTurns);
        var trim = state.State.Turns.Count - FullSourceTurns - 1;
        if (trim >= 0) state.State.Turns[trim] = Trimmed(state.State.Turns[trim]);
        state.State.UpdatedAt = turn.CreatedAt;
        await state.WriteStateAsync();
    }

    private static ConversationTurn Trimmed(ConversationTurn turn) => turn with { Sources = turn.Sources.Select(Excerpt).ToList() };

    /// <summary>The start of a source's text, as older turns keep it (and a turn keeps the sources its answer did not cite).</summary>
    public static SourceReference Excerpt(SourceReference source)
        => source.Text.Length <= TrimmedSourceChars ? source : source with { Text = source.Text[..TrimmedSourceChars] + "…" };

    public async Task RenameAsync(string title)
    {
        state.State.Title = title;
        await state.WriteStateAsync();
    }

    public async Task<ConversationTurn?> SetFeedbackAsync(string messageId, MessageFeedback feedback)
    {
        var index = state.State.Turns.FindIndex(t => t.MessageId == messageId);
        if (index < 0) return null;
        var turn = state.State.Turns[index] with { Feedback = feedback };
        state.State.Turns[index] = turn;
        await state.WriteStateAsync();
        return turn;
    }

    public async Task DeleteAsync()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}
