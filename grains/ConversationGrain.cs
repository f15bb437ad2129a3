using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace KnowledgeBase.Grains;

/// <summary>A conversation's own record. Its turns are records of their own (<see cref="ConversationGrain.TurnStateName"/>),
/// so this one is written only when the conversation is renamed or drops its oldest turn.</summary>
public sealed record ConversationState
{
    /// <summary>The layout of this record; a later release that changes it migrates from this number on purpose.</summary>
    public int SchemaVersion { get; set; } = 1;

    /// <summary>Set by a rename; until then the title is the one the user's conversation list holds.</summary>
    public string? Title { get; set; }

    /// <summary>Set once the oldest turns are dropped; until then the first turn's time.</summary>
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>Index of the oldest kept turn record.</summary>
    public int FirstTurn { get; set; }
}

/// <summary>One turn's record (a class, so that the storage provider can make an empty one for a key with no record).</summary>
public sealed class StoredTurn
{
    /// <summary>The layout of this record (see <see cref="ConversationState.SchemaVersion"/>).</summary>
    public int SchemaVersion { get; set; } = 1;

    public ConversationTurn? Turn { get; set; }
}

/// <summary>The turns of one conversation, keyed "{userId}/{conversationId}". Each turn is stored as a record of its own
/// (key "{userId}/{conversationId}/{index}"), so answering writes one turn however long the conversation is, instead
/// of rewriting every earlier turn; the newest <see cref="MaxTurns"/> are kept. Placed on the silo of the session that
/// first calls it (its only caller), so a turn's conversation write never waits on another silo, a hung one included.</summary>
[Orleans.Placement.PreferLocalPlacement]
public sealed class ConversationGrain(
    [PersistentState("conversation", "kb")] IPersistentState<ConversationState> state) : Grain, IConversationGrain
{
    public const int MaxTurns = 200;
    public const string TurnStateName = "turn";

    // Turns before the newest ones are returned with only the start of each source's text (the source panel links to
    // the original file), so that opening a long conversation stays a bounded read.
    private const int FullSourceTurns = 10;
    private const int TrimmedSourceChars = 300;
    // Turn records read at once when activating: no more than a silo's default connection pool (DATABASE_POOL_SIZE), so
    // that many conversations activating together after a restart queue for connections instead of exhausting them.
    private const int ReadBatch = Storage.DatabaseOptions.DefaultPoolSize;

    private readonly List<GrainState<StoredTurn>> _turns = [];
    // The record after the newest turn as read: a cleared record keeps its version, which the next turn written there
    // must name.
    private GrainState<StoredTurn>? _next;
    private IGrainStorage _storage = null!;
    private string? _title;

    private string ConversationId => this.GetPrimaryKeyString().Split('/', 2)[1];

    private GrainId TurnId(int index) => TurnRecordId(this.GetPrimaryKeyString(), index);

    /// <summary>Where turn <paramref name="index"/> of conversation "{userId}/{conversationId}" is stored.</summary>
    public static GrainId TurnRecordId(string conversationKey, int index) => GrainId.Create(TurnStateName, $"{conversationKey}/{index}");

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>("kb");
        _title = state.State.Title;
        // Turns are written in order, so the kept ones run from FirstTurn to the first index with no record.
        // One read first: most activations are of a conversation that is just starting.
        for (int start = state.State.FirstTurn, size = 1; ; start += size, size = ReadBatch)
        {
            var batch = Enumerable.Range(start, size).Select(i => (Index: i, Record: new GrainState<StoredTurn>())).ToList();
            await Task.WhenAll(batch.Select(b => _storage.ReadStateAsync(TurnStateName, TurnId(b.Index), b.Record)));
            foreach (var (_, record) in batch)
            {
                if (!record.RecordExists || record.State?.Turn is null)
                {
                    _next = record;
                    return;
                }
                _turns.Add(record);
            }
        }
    }

    public async Task<Conversation?> GetAsync()
    {
        await CatchUpAsync();
        if (_turns.Count == 0) return null;
        var turns = _turns.Select((t, i) => i < _turns.Count - FullSourceTurns ? Trimmed(TurnOf(t)) : TurnOf(t)).ToList();
        return new Conversation(ConversationId, _title ?? "", state.State.CreatedAt ?? turns[0].CreatedAt, turns[^1].CreatedAt, turns);
    }

    /// <summary>Reads the turns stored after the newest one this activation knows. For a moment during a failover two
    /// activations of a conversation can exist, and the one left may have been activated just before the other stored a
    /// turn: what the conversation holds is answered from storage (one read when nothing is new), so that a user opening
    /// it, or a session settling a turn charged before the failover, never sees a stored turn missing.</summary>
    private async Task CatchUpAsync()
    {
        while (true)
        {
            var record = new GrainState<StoredTurn>();
            await _storage.ReadStateAsync(TurnStateName, TurnId(state.State.FirstTurn + _turns.Count), record);
            if (!record.RecordExists || record.State?.Turn is null)
            {
                _next = record;
                return;
            }
            _turns.Add(record);
        }
    }

    public Task<IReadOnlyList<ConversationTurn>> RecentAsync(int count)
        => Task.FromResult<IReadOnlyList<ConversationTurn>>(_turns.TakeLast(count).Select(t => TurnOf(t)).ToList());

    public async Task AppendAsync(string title, ConversationTurn turn)
    {
        _title ??= title;
        var record = _next ?? new GrainState<StoredTurn>();
        record.State = new StoredTurn { Turn = turn };
        await _storage.WriteStateAsync(TurnStateName, TurnId(state.State.FirstTurn + _turns.Count), record);
        _next = null;
        _turns.Add(record);
        if (_turns.Count > MaxTurns) await DropOldestAsync();
    }

    public async Task ReplaceLastAsync(string title, string replacedMessageId, ConversationTurn turn)
    {
        if (_turns.Count == 0 || TurnOf(_turns[^1]).MessageId != replacedMessageId)
        {
            await AppendAsync(title, turn);
            return;
        }
        // One write over the last record: the conversation never shows both turns, or neither.
        var record = _turns[^1];
        var previous = record.State;
        record.State = new StoredTurn { Turn = turn };
        try
        {
            await _storage.WriteStateAsync(TurnStateName, TurnId(state.State.FirstTurn + _turns.Count - 1), record);
        }
        catch
        {
            record.State = previous;
            throw;
        }
    }

    private async Task DropOldestAsync()
    {
        state.State.CreatedAt ??= TurnOf(_turns[0]).CreatedAt;
        state.State.FirstTurn++;
        await state.WriteStateAsync();
        // Written first: had the record gone first and the header not followed, the turns would seem to start over.
        await _storage.ClearStateAsync(TurnStateName, TurnId(state.State.FirstTurn - 1), _turns[0]);
        _turns.RemoveAt(0);
    }

    public async Task<int> DropTurnsBeforeAsync(DateTimeOffset cutoff)
    {
        var dropped = 0;
        while (_turns.Count > 0 && TurnOf(_turns[0]).CreatedAt < cutoff)
        {
            await DropOldestAsync();
            dropped++;
        }
        if (dropped > 0 && _turns.Count > 0 && state.State.CreatedAt < TurnOf(_turns[0]).CreatedAt)
        {
            // The conversation now starts with its oldest kept turn.
            state.State.CreatedAt = TurnOf(_turns[0]).CreatedAt;
            await state.WriteStateAsync();
        }
        return dropped;
    }

    private static ConversationTurn TurnOf(GrainState<StoredTurn> record) => record.State!.Turn!;

    private static ConversationTurn Trimmed(ConversationTurn turn) => turn with { Sources = turn.Sources.Select(Excerpt).ToList() };

    /// <summary>The start of a source's text, as older turns show it (and a turn keeps the sources its answer did not cite).</summary>
    public static SourceReference Excerpt(SourceReference source)
        => source.Text.Length <= TrimmedSourceChars ? source : source with { Text = source.Text[..TrimmedSourceChars] + "…" };

    public Task<IReadOnlyList<ConversationTurn>> FindAsync(string text, int max)
        => Task.FromResult<IReadOnlyList<ConversationTurn>>(_turns.Select(TurnOf).Reverse().Where(t => Contains(t, text)).Take(max).ToList());

    public static bool Contains(ConversationTurn turn, string text)
        => turn.Question.Contains(text, StringComparison.OrdinalIgnoreCase) || turn.Answer.Contains(text, StringComparison.OrdinalIgnoreCase);

    public async Task RenameAsync(string title)
    {
        _title = title;
        state.State.Title = title;
        await state.WriteStateAsync();
    }

    public async Task<ConversationTurn?> SetFeedbackAsync(string messageId, MessageFeedback feedback)
    {
        var index = _turns.FindIndex(t => TurnOf(t).MessageId == messageId);
        if (index < 0) return null;
        var record = _turns[index];
        var previous = record.State!;
        record.State = new StoredTurn { Turn = previous.Turn! with { Feedback = feedback } };
        try
        {
            await _storage.WriteStateAsync(TurnStateName, TurnId(state.State.FirstTurn + index), record);
        }
        catch
        {
            record.State = previous;
            throw;
        }
        return record.State.Turn;
    }

    public async Task<bool> HoldsAsync(string messageId)
    {
        await CatchUpAsync();
        return _turns.Exists(t => TurnOf(t).MessageId == messageId);
    }

    public async Task DeleteAsync()
    {
        // Newest first: a delete cut short leaves a shorter conversation, never one with a gap.
        for (var i = _turns.Count - 1; i >= 0; i--)
        {
            await _storage.ClearStateAsync(TurnStateName, TurnId(state.State.FirstTurn + i), _turns[i]);
            _turns.RemoveAt(i);
        }
        if (state.RecordExists) await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}
