using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace KnowledgeBase.Grains.Chat;

/// <summary>Keeps only retrieved chunks that share enough content with the question, so that "nothing relevant"
/// is said plainly instead of answering from the nearest unrelated text. The same rule applies online and offline.</summary>
public sealed class SourceSelector
{
    private static readonly HashSet<string> StopWords =
    [
        "무엇", "무엇인", "엇인", "인가", "인가요", "나요", "어떻", "떻게", "어떤", "언제", "어디", "누구", "얼마", "습니", "니까", "합니", "해야",
        "하나", "있나", "있는", "되나", "대해", "알려", "려주", "주세", "세요", "해주", "궁금", "the", "what", "how", "is", "are", "of",
        "to", "a", "an", "in", "for", "do", "does", "can", "i", "my", "me", "and", "or", "on", "with", "about", "please",
    ];

    public double MinCoverage { get; init; } = 0.3;

    public IReadOnlyList<SearchHit> Select(string question, IReadOnlyList<SearchHit> hits)
    {
        var terms = Terms(question);
        if (terms.Count == 0) return [];
        return hits.Where(h => Coverage(terms, h) >= MinCoverage).ToList();
    }

    public static double Coverage(IReadOnlySet<string> terms, SearchHit hit)
    {
        var haystack = HaystackOf(hit);
        var matched = terms.Count(t => haystack.Contains(t, StringComparison.Ordinal));
        return (double)matched / terms.Count;
    }

    /// <summary>Content terms: Hangul bigrams (particles make whole words useless) and Latin/digit words.</summary>
    public static IReadOnlySet<string> Terms(string text)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var normalized = Normalize(text);
        var word = new StringBuilder();
        void FlushWord()
        {
            if (word.Length >= 2 && !StopWords.Contains(word.ToString())) result.Add(word.ToString());
            word.Clear();
        }
        for (var i = 0; i < normalized.Length; i++)
        {
            var c = normalized[i];
            if (IsHangul(c))
            {
                FlushWord();
                if (i + 1 < normalized.Length && IsHangul(normalized[i + 1]))
                {
                    var bigram = normalized.Substring(i, 2);
                    if (!StopWords.Contains(bigram)) result.Add(bigram);
                }
            }
            else if (char.IsLetterOrDigit(c)) word.Append(c);
            else FlushWord();
        }
        FlushWord();
        return result;
    }

    // A chunk's normalised text, kept as long as the chunk's text string lives: the embedded index hands out the same
    // strings for a chunk until the chunk changes, so a question no longer normalises and lowercases ten chunks anew.
    private static readonly ConditionalWeakTable<string, Haystack> Haystacks = new();

    private sealed record Haystack(string Section, string Title, string Normalized);

    private static string HaystackOf(SearchHit hit)
    {
        if (Haystacks.TryGetValue(hit.Text, out var kept) && ReferenceEquals(kept.Section, hit.Section) && ReferenceEquals(kept.Title, hit.Title))
            return kept.Normalized;
        var normalized = Normalize(hit.Section + " " + hit.Title + " " + hit.Text);
        Haystacks.AddOrUpdate(hit.Text, new Haystack(hit.Section, hit.Title, normalized));
        return normalized;
    }

    private static bool IsHangul(char c) => c is >= '\uAC00' and <= '\uD7A3';

    private static string Normalize(string text) => text.Normalize(NormalizationForm.FormC).ToLower(CultureInfo.InvariantCulture);
}
