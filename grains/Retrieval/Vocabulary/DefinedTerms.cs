using System.Text.RegularExpressions;
using KnowledgeBase.Grains.Models;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>Terms a document defines for itself, mined when it is indexed: "「근로자퇴직급여 보장법」(이하 '퇴직급여법'이라 한다)",
/// "“통상임금”이란 …을 말한다", glossary rows ("용어: X, 설명: Y") and a heading's parenthesised
/// name ("경조휴가 (경조사 휴가)"). Each chunk of the document that uses one name of a pair gets the other as an alias,
/// searched with the question, so a question using either name finds it; a defining chunk gets "정의 뜻 의미".</summary>
public static partial class DefinedTerms
{
    private const string DefinitionWords = "정의 뜻 의미 definition";

    /// <summary>The alias text of each chunk, by chunk id (chunks without aliases are left out).</summary>
    public static Dictionary<string, string> Aliases(IReadOnlyList<IndexedChunk> chunks)
    {
        var pairs = new List<(string A, string B)>();
        var defining = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var chunk in chunks)
        {
            foreach (Match m in Hereinafter().Matches(chunk.Text))
            {
                var shortName = Clean(m.Groups["short"].Value);
                var longName = LongName(chunk.Text[..m.Index]);
                if (shortName.Length >= 2 && longName.Length >= 2 && longName != shortName) pairs.Add((longName, shortName));
            }
            foreach (Match m in Definition().Matches(chunk.Text))
            {
                var term = Clean(m.Groups["term"].Value);
                if (term.Length < 2) continue;
                if (!defining.TryGetValue(chunk.ChunkId, out var list)) defining[chunk.ChunkId] = list = [];
                list.Add(term);
            }
            foreach (Match m in GlossaryRow().Matches(chunk.Text))
            {
                var term = Clean(m.Groups["term"].Value);
                var meaning = Clean(m.Groups["meaning"].Value);
                if (term.Length >= 2 && meaning.Length >= 2 && term != meaning) pairs.Add((term, meaning));
            }
            var heading = chunk.Section.Split(" > ")[^1];
            if (HeadingName().Match(heading) is { Success: true } h && !h.Groups["name"].Value.StartsWith('제'))
            {
                var name = Clean(h.Groups["name"].Value);
                var alias = Clean(h.Groups["alias"].Value);
                if (name.Length >= 2 && alias.Length >= 2 && name != alias) pairs.Add((name, alias));
            }
        }

        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        if (pairs.Count == 0 && defining.Count == 0) return aliases;
        var distinct = pairs.Distinct().Take(200).ToList();
        foreach (var chunk in chunks)
        {
            var found = new List<string>();
            var haystack = chunk.Section + "\n" + chunk.Text;
            foreach (var (a, b) in distinct)
            {
                if (haystack.Contains(a, StringComparison.OrdinalIgnoreCase) && !found.Contains(b)) found.Add(b);
                if (haystack.Contains(b, StringComparison.OrdinalIgnoreCase) && !found.Contains(a)) found.Add(a);
            }
            if (defining.TryGetValue(chunk.ChunkId, out var terms))
                foreach (var term in terms) found.Add(term + " " + DefinitionWords);
            if (found.Count > 0) aliases[chunk.ChunkId] = string.Join('\n', found);
        }
        return aliases;
    }

    /// <summary>The name a "(이하 …)" abbreviates: a bracketed title right before it, else its last three words.</summary>
    private static string LongName(string before)
    {
        var tail = before.TrimEnd();
        if (tail.Length > 0 && tail[^1] is '」' or '』' or '"' or '”' or '\'' or '’')
        {
            var open = tail.LastIndexOfAny(['「', '『', '"', '“', '\'', '‘'], tail.Length - 2);
            if (open >= 0) return Clean(tail[(open + 1)..^1]);
        }
        var words = tail.Split([' ', '\n', '\t', ',', '(', ')'], StringSplitOptions.RemoveEmptyEntries);
        var last = words.TakeLast(3).Select(w => KoreanTokens.StripParticle(w)).ToList();
        return Clean(string.Join(' ', last));
    }

    private static string Clean(string text) => text.Trim().Trim('「', '」', '『', '』', '"', '“', '”', '\'', '‘', '’', '*', ' ', '.', ',');

    [GeneratedRegex(@"\(\s*이하\s*[""“'‘「『]?(?<short>[^""”'’」』()]{1,30}?)[""”'’」』]?\s*(?:이?라|로)\s*한다\s*\)")]
    private static partial Regex Hereinafter();

    [GeneratedRegex(@"[""“'‘「]?(?<term>[가-힣A-Za-z0-9·ㆍ ]{2,30}?)[""”'’」]?\s*(?:이)?란\s+[^.\n]{4,300}?(?:을|를)\s*말한다")]
    private static partial Regex Definition();

    // A glossary table's row as the table parser writes it: "용어: X, 설명: Y" (or 약어/정의/뜻/의미; English headers too).
    [GeneratedRegex(@"(?:용어|약어|약칭|term|abbreviation)\s*[:：]\s*(?<term>[가-힣A-Za-z0-9 ]{2,20}?)\s*[,|;·]?\s*(?:정의|설명|의미|뜻|풀이|정식 명칭|definition|meaning)\s*[:：]\s*(?<meaning>[가-힣A-Za-z0-9 ]{2,40}?)\s*(?:[,|;.\n]|$)", RegexOptions.IgnoreCase)]
    private static partial Regex GlossaryRow();

    [GeneratedRegex(@"^(?:[\dⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ가-하]{1,3}[.)]\s*)?(?<name>[^()]{2,40}?)\s*\((?<alias>[^()]{2,40})\)\s*$")]
    private static partial Regex HeadingName();
}
