namespace KnowledgeBase.Contracts;

/// <summary>The list of feedback reports for admin review (single activation, key "all").</summary>
[Alias("kb.IFeedbackLogGrain")]
public interface IFeedbackLogGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task AddAsync(FeedbackReport report);

    [Alias("List")]
    Task<IReadOnlyList<FeedbackReport>> ListAsync(int take);

    /// <summary>Drops every report of a deleted user (their questions and answers are personal data).</summary>
    [Alias("RemoveUser")]
    Task RemoveUserAsync(string userId);
}
