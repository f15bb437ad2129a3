using System.Text;

namespace KnowledgeBase.Grains.Models;

/// <summary>Word-level Korean text helpers shared by the embedder and the lexical query builder.</summary>
public static class KoreanTokens
{
    // Particles (josa), copulas and the endings of 하다/되다 verbs that stick to nouns (주도한, 지명수배된), tried longest
    // first so "에서는" wins over "는".
    private static readonly string[] Particles = new[]
    {
        "에서부터", "으로부터", "이라는", "이라고", "에서는", "에게서", "으로서", "으로써", "이었다", "이었던", "이다", "였다", "였던",
        "에서", "에게", "으로", "부터", "까지", "라는", "라고", "처럼", "보다", "한테", "이나", "이며", "이고", "와의", "과의", "에는", "에도",
        "로서", "로써", "은", "는", "이", "가", "을", "를", "의", "에", "로", "와", "과", "도", "만", "나",
        "하였으며", "하였는데", "하였다", "하였고", "하였던", "했으며", "했다", "했고", "했던", "하는", "하고", "하여", "하면", "해서",
        "한다", "한", "할", "함", "되었으며", "되었다", "되었고", "되었던", "됐다", "되는", "되어", "된다", "된", "될", "됨",
        "시켰다", "시킨", "시키는",
    }.OrderByDescending(p => p.Length).ToArray();

    public static bool IsHangul(char c) => c is >= '\uAC00' and <= '\uD7A3' or >= '\u1100' and <= '\u11FF' or >= '\u3130' and <= '\u318F';

    /// <summary>NFC, lower-cased runs of letters or digits; a run switches when the script switches (Hangul vs other),
    /// so "KorQuAD의" gives "korquad" and "의".</summary>
    public static IEnumerable<string> Words(string text)
    {
        if (string.IsNullOrEmpty(text)) yield break;
        var normalized = text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);
        var builder = new StringBuilder();
        var hangulRun = false;
        foreach (var raw in normalized)
        {
            var c = char.ToLowerInvariant(raw);
            var letter = char.IsLetterOrDigit(c);
            var hangul = letter && IsHangul(c);
            if (builder.Length > 0 && (!letter || hangul != hangulRun))
            {
                yield return builder.ToString();
                builder.Clear();
            }
            if (!letter) continue;
            hangulRun = hangul;
            builder.Append(c);
        }
        if (builder.Length > 0) yield return builder.ToString();
    }

    /// <summary>The word without a trailing particle, when at least two syllables remain ("임종석이" -> "임종석").</summary>
    public static string StripParticle(string word)
    {
        foreach (var particle in Particles)
            if (word.Length >= particle.Length + 2 && word.EndsWith(particle, StringComparison.Ordinal))
                return word[..^particle.Length];
        return word;
    }

    /// <summary>Whether a query word is question boilerplate that every answer paragraph lacks (무엇인가, 누구, 언제 ...).</summary>
    public static bool IsQuestionWord(string word)
    {
        if (QuestionWords.Contains(word)) return true;
        foreach (var prefix in QuestionPrefixes)
            if (word.StartsWith(prefix, StringComparison.Ordinal))
                return true;
        return false;
    }

    private static readonly HashSet<string> QuestionWords = ["왜", "뭐", "뭘", "무슨", "누가", "어느", "몇", "인가", "인가요", "입니까", "나요"];

    private static readonly string[] QuestionPrefixes = ["무엇", "누구", "언제", "어디", "어떤", "어떻", "어떠", "얼마", "며칠"];
}
