using System.Text;
using KnowledgeBase.Grains.Models;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>A question as retrieval searches it: the user's own words, plus variants with colloquial, abbreviated or
/// English terms replaced by the documents' formal ones (searched at a lower weight), plus canonical number tokens.</summary>
public sealed record QueryExpansion(string Original, IReadOnlyList<string> Variants, IReadOnlyList<string> Terms, IReadOnlyList<string> Numbers)
{
    public static QueryExpansion None(string query) => new(query, [], [], []);

    public bool HasVariants => Variants.Count > 0;

    /// <summary>The question's words a thesaurus or synonym entry matched, each with the entry's other terms.</summary>
    public IReadOnlyList<BridgedWord> Bridged { get; init; } = [];
}

/// <summary>A question word an entry matched, and the entry's terms the documents may use for it.</summary>
public sealed record BridgedWord(string Word, IReadOnlyList<string> Alternatives);

/// <summary>Expands questions with the workplace thesaurus and the admin-managed synonym sets (both matched on whole
/// words, a trailing particle allowed: "잔업수당은" matches 잔업), and normalises their numbers.</summary>
public sealed class QueryExpander
{
    private const int MaxSpanWords = 4;
    private const int MaxTermsPerMatch = 3;

    private readonly SynonymRegistry _registry;
    private readonly AnswerOptions _options;
    private readonly IReadOnlyList<SynonymSet> _thesaurus;
    private volatile Matcher? _matcher;

    public QueryExpander(SynonymRegistry registry, IOptions<AnswerOptions> options, IReadOnlyList<SynonymSet>? thesaurus = null)
    {
        _registry = registry;
        _options = options.Value;
        _thesaurus = _options.Thesaurus ? thesaurus ?? Thesaurus.Workplace : [];
    }

    /// <summary>No thesaurus, no synonym sets, no numbers: the question as it is (benchmarks of the bare index).</summary>
    public static QueryExpander Disabled { get; } = new(new SynonymRegistry(),
        Options.Create(new AnswerOptions { Thesaurus = false, Synonyms = false, Numbers = false }), []);

    public QueryExpansion Expand(string query)
    {
        if (string.IsNullOrWhiteSpace(query)) return QueryExpansion.None(query ?? "");
        var numbers = _options.Numbers ? NumberNormalizer.Tokens(query) : [];
        var matcher = CurrentMatcher();
        if (matcher.IsEmpty) return numbers.Count == 0 ? QueryExpansion.None(query) : new QueryExpansion(query, [], [], numbers);

        var words = KoreanTokens.Words(query).ToList();
        var english = IsMostlyLatin(query);
        var variant = new List<string>(words.Count);
        var terms = new List<string>();
        var bridged = new List<BridgedWord>();
        var replaced = false;
        for (var i = 0; i < words.Count;)
        {
            if (matcher.Match(words, i) is not { } match)
            {
                // An English question's variant keeps only what the documents can contain: Korean words and numbers.
                if (!english || KoreanTokens.IsHangul(words[i][0]) || char.IsDigit(words[i][0])) variant.Add(words[i]);
                i++;
                continue;
            }
            var (set, matchedTerm) = match.Sets[0];
            var preferred = set.Terms[0];
            if (!string.Equals(Matcher.Key(preferred), Matcher.Key(matchedTerm), StringComparison.Ordinal)) replaced = true;
            variant.Add(preferred);
            var alternatives = match.Sets.SelectMany(m => m.Set.Terms).Distinct(StringComparer.Ordinal).ToList();
            for (var w = i; w < i + match.Words; w++) bridged.Add(new BridgedWord(words[w], alternatives));
            foreach (var (s, t) in match.Sets)
                foreach (var term in s.Terms.Where(x => !string.Equals(Matcher.Key(x), Matcher.Key(t), StringComparison.Ordinal))
                             .OrderBy(x => KoreanTokens.IsHangul(x[0]) ? 0 : 1).Take(MaxTermsPerMatch))
                    if (!terms.Contains(term)) terms.Add(term);
            i += match.Words;
        }
        var variants = replaced && variant.Count > 0 ? [string.Join(' ', variant)] : Array.Empty<string>();
        return new QueryExpansion(query, variants, terms, numbers) { Bridged = bridged };
    }

    private Matcher CurrentMatcher()
    {
        var snapshot = _options.Synonyms ? _registry.Current : null;
        var matcher = _matcher;
        if (matcher is not null && ReferenceEquals(matcher.Admin, snapshot)) return matcher;
        return _matcher = new Matcher(_thesaurus, snapshot);
    }

    /// <summary>An English question: more than twice as many Latin letters as Hangul syllables.</summary>
    public static bool IsMostlyLatin(string text)
    {
        int hangul = 0, latin = 0;
        foreach (var c in text)
        {
            if (KoreanTokens.IsHangul(c)) hangul++;
            else if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z') latin++;
        }
        return latin > hangul * 2;
    }

    private sealed record Match(int Words, List<(SynonymSet Set, string Term)> Sets);

    /// <summary>Every term of every set, keyed by its letters and digits lower-cased (spaces dropped, so 연장 근로 = 연장근로).
    /// Admin sets are looked up first: they are the company's own words.</summary>
    private sealed class Matcher
    {
        private readonly Dictionary<string, List<(SynonymSet, string)>> _terms = new(StringComparer.Ordinal);
        private readonly int _longestKey;

        public Matcher(IReadOnlyList<SynonymSet> thesaurus, SynonymRegistry.Snapshot? admin)
        {
            Admin = admin;
            foreach (var set in (admin?.Sets ?? []).Concat(thesaurus))
                foreach (var term in set.Terms)
                {
                    var key = Key(term);
                    if (key.Length < 2) continue;
                    if (!_terms.TryGetValue(key, out var list)) _terms[key] = list = [];
                    if (!list.Any(e => ReferenceEquals(e.Item1, set))) list.Add((set, term));
                    _longestKey = Math.Max(_longestKey, key.Length);
                }
        }

        public SynonymRegistry.Snapshot? Admin { get; }

        public bool IsEmpty => _terms.Count == 0;

        public static string Key(string term)
        {
            var builder = new StringBuilder(term.Length);
            foreach (var word in KoreanTokens.Words(term)) builder.Append(word);
            return builder.ToString();
        }

        /// <summary>The longest run of words from <paramref name="start"/> that is a term; the last word may carry a
        /// particle or ending after the term (a two-syllable term at most two more syllables, so 병가 does not match 병가능성).</summary>
        public Match? Match(List<string> words, int start)
        {
            var builder = new StringBuilder();
            Match? best = null;
            for (var count = 1; count <= MaxSpanWords && start + count <= words.Count; count++)
            {
                var last = words[start + count - 1];
                builder.Append(last);
                if (builder.Length - last.Length > _longestKey) break;
                var key = builder.ToString();
                if (_terms.TryGetValue(key, out var exact)) { best = new Match(count, exact); continue; }
                if (KoreanTokens.IsHangul(last[0]))
                {
                    for (var cut = 1; cut < last.Length; cut++)
                    {
                        var prefix = key[..^cut];
                        var termLength = prefix.Length;
                        if (termLength < 2 || termLength == 2 && cut > 2) continue;
                        if (_terms.TryGetValue(prefix, out var partial)) { best = new Match(count, partial); break; }
                    }
                }
                else if (last.Length > 3 && last[^1] == 's' && _terms.TryGetValue(key[..^1], out var singular))
                {
                    best = new Match(count, singular);
                }
            }
            return best;
        }
    }
}
