using System.Text;

namespace KnowledgeBase.Grains.Evaluation;

/// <summary>The rules that turn a run's raw outcomes into figures: which retrieved chunk is relevant, when an answer
/// hits, and the totals over a set.</summary>
public static class EvaluationScoring
{
    /// <summary>A chunk is relevant when it comes from an expected document (by file name) and, when sections are
    /// given, sits under one of them. "제6조" does not match "제60조" or "제6조의2".</summary>
    public static bool IsRelevant(GoldenQuestion question, string fileName, string section)
    {
        if (!question.ExpectedDocuments.Any(d => string.Equals(d, fileName, StringComparison.OrdinalIgnoreCase))) return false;
        return question.ExpectedSections.Count == 0 || question.ExpectedSections.Any(s => SectionContains(section, s));
    }

    public static bool SectionContains(string section, string expected)
    {
        for (var at = section.IndexOf(expected, StringComparison.Ordinal); at >= 0; at = section.IndexOf(expected, at + 1, StringComparison.Ordinal))
        {
            var end = at + expected.Length;
            var next = end < section.Length ? section[end] : ' ';
            var continues = (char.IsAsciiDigit(next) && char.IsAsciiDigit(expected[^1]))
                || (next == '의' && expected[^1] == '조' && end + 1 < section.Length && char.IsAsciiDigit(section[end + 1]));
            if (!continues) return true;
        }
        return false;
    }

    /// <summary>An answer hits when it contains every expected phrase (a phrase may list equivalent wordings separated
    /// by "|": "100분의 50|50퍼센트"), ignoring spaces and the thousands separators of numbers (100,000 = 100000).</summary>
    public static bool AnswerHits(string answer, IReadOnlyList<string> phrases)
    {
        var text = Canonical(answer);
        return phrases.Count > 0 && phrases.All(p => p.Split('|').Any(alternative =>
            Canonical(alternative) is { Length: > 0 } wanted && text.Contains(wanted, StringComparison.OrdinalIgnoreCase)));
    }

    private static string Canonical(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) continue;
            if (c == ',' && i > 0 && char.IsAsciiDigit(text[i - 1]) && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])) continue;
            sb.Append(c);
        }
        return sb.ToString();
    }

    public static EvaluationTotals Totals(IReadOnlyList<EvaluationQuestionResult> results)
    {
        var answerable = results.Where(r => !r.ExpectsNoAnswer).ToList();
        var unanswerable = results.Count - answerable.Count;
        double Share(int count, int of) => of == 0 ? 0 : Math.Round((double)count / of, 4);
        var flagged = results.Count(r => r.NoResult);
        var rightlyFlagged = results.Count(r => r.NoResult && r.ExpectsNoAnswer);
        return new EvaluationTotals(
            results.Count, answerable.Count, unanswerable,
            Share(answerable.Count(r => r.Rank <= 1), answerable.Count),
            Share(answerable.Count(r => r.Rank <= 3), answerable.Count),
            Share(answerable.Count(r => r.Rank <= 10), answerable.Count),
            answerable.Count == 0 ? 0 : Math.Round(answerable.Sum(r => r.Rank is int rank and <= 10 ? 1.0 / rank : 0) / answerable.Count, 4),
            Share(answerable.Count(r => r.AnswerHit == true), answerable.Count),
            // With no "nothing found" answer at all, precision has nothing to be wrong about (1) unless such answers were due.
            flagged == 0 ? (unanswerable == 0 ? 1 : 0) : Share(rightlyFlagged, flagged),
            unanswerable == 0 ? 1 : Share(rightlyFlagged, unanswerable),
            results.Count(r => r.Error is not null));
    }
}
