namespace KnowledgeBase.Grains;

public sealed record FeedbackLogState
{
    /// <summary>The layout of this record; a later release that changes it migrates from this number on purpose.</summary>
    public int SchemaVersion { get; set; } = 1;

    public List<FeedbackReport> Reports { get; init; } = [];
}

/// <summary>Every answer rating, newest last, for the admin review list and the feedback-rate chart.</summary>
public sealed class FeedbackLogGrain(
    [PersistentState("feedback", "kb")] IPersistentState<FeedbackLogState> state) : Grain, IFeedbackLogGrain
{
    private const int Keep = 5000;

    public async Task AddAsync(FeedbackReport report)
    {
        state.State.Reports.RemoveAll(r => r.MessageId == report.MessageId);
        state.State.Reports.Add(report);
        if (state.State.Reports.Count > Keep) state.State.Reports.RemoveRange(0, state.State.Reports.Count - Keep);
        await state.WriteStateAsync();
    }

    public async Task RemoveUserAsync(string userId)
    {
        if (state.State.Reports.RemoveAll(r => r.UserId == userId) > 0) await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<FeedbackReport>> ListAsync(int take)
        => Task.FromResult<IReadOnlyList<FeedbackReport>>(Enumerable.Reverse(state.State.Reports).Take(Math.Clamp(take, 1, Keep)).ToList());
}
