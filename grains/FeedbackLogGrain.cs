using KnowledgeBase.Grains.Chat;

namespace KnowledgeBase.Grains;

public sealed record FeedbackLogState
{
    /// <summary>The layout of this record; a later release that changes it migrates from this number on purpose.</summary>
    public int SchemaVersion { get; set; } = 1;

    public List<FeedbackReport> Reports { get; init; } = [];

    /// <summary>Ratings per local day, kept for <see cref="FeedbackLogGrain.KeepDays"/> days (longer than the reports).</summary>
    public Dictionary<string, FeedbackCounts> Days { get; init; } = new();
}

/// <summary>Answer ratings, newest last, for the admin review list (the latest <see cref="Keep"/> reports), and their
/// count per day for the feedback-rate chart (a rating changed later moves its count).</summary>
public sealed class FeedbackLogGrain(
    [PersistentState("feedback", "kb")] IPersistentState<FeedbackLogState> state, BudgetPeriods periods) : Grain, IFeedbackLogGrain
{
    private const int Keep = 5000;
    public const int KeepDays = 400;

    public async Task AddAsync(FeedbackReport report)
    {
        var index = state.State.Reports.FindIndex(r => r.MessageId == report.MessageId);
        if (index >= 0)
        {
            Count(state.State.Reports[index], -1);
            state.State.Reports.RemoveAt(index);
        }
        state.State.Reports.Add(report);
        Count(report, +1);
        if (state.State.Reports.Count > Keep) state.State.Reports.RemoveRange(0, state.State.Reports.Count - Keep);
        if (state.State.Days.Count > KeepDays)
            foreach (var old in state.State.Days.Keys.Order(StringComparer.Ordinal).Take(state.State.Days.Count - KeepDays).ToList())
                state.State.Days.Remove(old);
        await state.WriteStateAsync();
    }

    public async Task RemoveUserAsync(string userId)
    {
        var removed = state.State.Reports.Where(r => r.UserId == userId).ToList();
        if (removed.Count == 0) return;
        foreach (var report in removed) Count(report, -1);
        state.State.Reports.RemoveAll(r => r.UserId == userId);
        await state.WriteStateAsync();
    }

    public Task<FeedbackPage> PageAsync(int offset, int take, string? rating)
    {
        IEnumerable<FeedbackReport> newestFirst = Enumerable.Reverse(state.State.Reports);
        if (rating is not null) newestFirst = newestFirst.Where(r => r.Feedback.Rating == rating);
        var total = 0;
        var page = new List<FeedbackReport>();
        foreach (var report in newestFirst)
        {
            if (total >= offset && page.Count < take) page.Add(report);
            total++;
        }
        return Task.FromResult(new FeedbackPage(page, total));
    }

    public Task<IReadOnlyDictionary<string, FeedbackCounts>> CountsAsync(IReadOnlyList<string> days)
        => Task.FromResult<IReadOnlyDictionary<string, FeedbackCounts>>(days
            .Where(state.State.Days.ContainsKey).Distinct().ToDictionary(d => d, d => state.State.Days[d]));

    private void Count(FeedbackReport report, int delta)
    {
        var day = periods.At(report.Feedback.CreatedAt).Day;
        var counts = state.State.Days.GetValueOrDefault(day) ?? new FeedbackCounts(0, 0);
        counts = report.Feedback.Rating == "up" ? counts with { Up = Math.Max(0, counts.Up + delta) } : counts with { Down = Math.Max(0, counts.Down + delta) };
        if (counts is { Up: 0, Down: 0 }) state.State.Days.Remove(day);
        else state.State.Days[day] = counts;
    }
}
