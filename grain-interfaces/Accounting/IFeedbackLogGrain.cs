namespace KnowledgeBase.Contracts;

/// <summary>The list of feedback reports for admin review (single activation, key "all").</summary>
[Alias("kb.IFeedbackLogGrain")]
public interface IFeedbackLogGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task AddAsync(FeedbackReport report);

    /// <summary>A page of the reports, newest first, optionally of one rating ("up" or "down").</summary>
    [Alias("Page")]
    Task<FeedbackPage> PageAsync(int offset, int take, string? rating);

    /// <summary>Ratings per local day ("2026-11-29"), counted as they arrive; days without any are left out.</summary>
    [Alias("Counts")]
    Task<IReadOnlyDictionary<string, FeedbackCounts>> CountsAsync(IReadOnlyList<string> days);

    /// <summary>Drops every report of a deleted user (their questions and answers are personal data).</summary>
    [Alias("RemoveUser")]
    Task RemoveUserAsync(string userId);
}

[GenerateSerializer, Immutable, Alias("kb.FeedbackPage")]
public sealed record FeedbackPage(
    [property: Id(0)] IReadOnlyList<FeedbackReport> Reports,
    [property: Id(1)] int Total);

[GenerateSerializer, Immutable, Alias("kb.FeedbackCounts")]
public sealed record FeedbackCounts(
    [property: Id(0)] int Up,
    [property: Id(1)] int Down);
