namespace KnowledgeBase.Grains.Chat;

/// <summary>The passage a conversation search shows under a found conversation's title.</summary>
public static class ConversationSearch
{
    public const int SnippetChars = 120;

    /// <summary>The text around the first match in the turn's question, else its answer, on one line, with "…" where cut.</summary>
    public static string Snippet(ConversationTurn turn, string text)
    {
        var source = turn.Question.Contains(text, StringComparison.OrdinalIgnoreCase) ? turn.Question : turn.Answer;
        var flat = source.ReplaceLineEndings(" ");
        var at = Math.Max(0, flat.IndexOf(text, StringComparison.OrdinalIgnoreCase));
        var start = Math.Max(0, Math.Min(at - SnippetChars / 3, flat.Length - SnippetChars));
        var length = Math.Min(SnippetChars, flat.Length - start);
        return (start > 0 ? "…" : "") + flat.Substring(start, length).Trim() + (start + length < flat.Length ? "…" : "");
    }
}
