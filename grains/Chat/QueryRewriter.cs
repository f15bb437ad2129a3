namespace KnowledgeBase.Grains.Chat;

/// <summary>Makes follow-up questions searchable on their own: "그럼 1년 미만은?" after a question about 연차
/// is searched together with that earlier question.</summary>
public sealed class QueryRewriter
{
    private static readonly string[] FollowUpMarkers =
    [
        "그럼", "그러면", "그렇다면", "그건", "그것", "이건", "이것", "저건", "그 경우", "그때", "그 외", "또", "그리고",
        "what about", "and if", "how about", "what if", "and for", "then",
    ];

    /// <param name="previousQuery">The retrieval query of the previous turn in this conversation, if any.</param>
    public string Rewrite(string question, string? previousQuery)
    {
        if (string.IsNullOrWhiteSpace(previousQuery)) return question;
        var q = question.Trim();
        var lower = q.ToLowerInvariant();
        var isFollowUp = FollowUpMarkers.Any(m => lower.StartsWith(m, StringComparison.Ordinal))
            || CountContentChars(q) <= 12;
        return isFollowUp ? $"{LastQuestion(previousQuery)} {q}" : q;
    }

    // A chain of follow-ups keeps only the nearest original question, not an ever-growing string.
    private static string LastQuestion(string previous) => previous.Length > 200 ? previous[^200..] : previous;

    private static int CountContentChars(string text) => text.Count(char.IsLetterOrDigit);
}
