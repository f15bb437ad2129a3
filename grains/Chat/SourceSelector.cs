using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using KnowledgeBase.Grains.Models;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Chat;

/// <summary>Decides whether anything retrieved answers the question, so that "nothing relevant" is said plainly instead
/// of answering from the nearest unrelated text; the same rule applies online and offline. The gate weighs the
/// question's content terms by their rarity in the corpus, accepts the question in the documents' words (thesaurus and
/// synonym variants) as well as the user's own, and asks for more when the question names something the corpus does
/// not know (<see cref="Decide"/>).</summary>
public sealed class SourceSelector(QueryExpander? expander = null, ITermRarity? rarity = null, IOptions<AnswerOptions>? answers = null)
{
    private static readonly HashSet<string> StopWords =
    [
        "무엇", "무엇인", "엇인", "인가", "인가요", "나요", "어떻", "떻게", "어떤", "언제", "어디", "누구", "얼마", "습니", "니까", "합니", "해야",
        "하나", "있나", "있는", "되나", "대해", "알려", "려주", "주세", "세요", "해주", "궁금", "the", "what", "how", "is", "are", "of",
        "to", "a", "an", "in", "for", "do", "does", "can", "i", "my", "me", "and", "or", "on", "with", "about", "please",
    ];

    public double MinCoverage { get; init; } = 0.3;

    private readonly AnswerOptions _answers = answers?.Value ?? new AnswerOptions();

    /// <summary>The gate's decision for one question: whether anything answers it, and the chunks to answer from.</summary>
    public sealed record Decision(IReadOnlyList<SearchHit> Relevant, double BestCoverage, IReadOnlyList<string> UnknownWords);

    public IReadOnlyList<SearchHit> Select(string question, IReadOnlyList<SearchHit> hits)
    {
        if (!_answers.Gate)
        {
            var terms = Terms(question);
            if (terms.Count == 0) return [];
            return hits.Where(h => Coverage(terms, h) >= MinCoverage).ToList();
        }
        return Decide(question, hits).Relevant;
    }

    /// <summary>"Nothing relevant" is decided for the question, not chunk by chunk: the best of the first
    /// <see cref="AnswerOptions.GateDepth"/> candidates must cover <see cref="AnswerOptions.GateMinCoverage"/> of the
    /// question's rarity-weighted content terms (in the user's words or the documents'), and more,
    /// <see cref="AnswerOptions.GateUnknownWordCoverage"/>, when the question names something no document and no
    /// thesaurus entry knows (스톡옵션, 반려견): such a word is the question's topic, and the corpus does not have it.
    /// When the question passes, the candidates that cover at least half of what the best covers are kept, in
    /// retrieval order.</summary>
    public Decision Decide(string question, IReadOnlyList<SearchHit> hits)
    {
        var expansion = expander?.Expand(question);
        var weighted = WeightedTermSets(question, expansion);
        if (weighted.Count == 0 || hits.Count == 0) return new Decision([], 0, []);
        var coverages = new double[hits.Count];
        var best = 0.0;
        for (var i = 0; i < hits.Count; i++)
        {
            coverages[i] = WeightedCoverage(weighted, hits[i]);
            if (i < _answers.GateDepth) best = Math.Max(best, coverages[i]);
        }
        var unknown = UnknownWords(question, expansion);
        var threshold = unknown.Count > 0 ? _answers.GateUnknownWordCoverage : _answers.GateMinCoverage;
        if (best < threshold) return new Decision([], best, unknown);
        var kept = new List<SearchHit>(hits.Count);
        for (var i = 0; i < hits.Count; i++)
            if (coverages[i] >= best * KeepShareOfBest) kept.Add(hits[i]);
        return new Decision(kept, best, unknown);
    }

    private const double KeepShareOfBest = 0.5;

    /// <summary>The question's content words that no indexed chunk contains (most of their bigrams occur nowhere) and
    /// that no thesaurus or synonym entry bridges to a word the documents use; everyday words (오늘, 너무) and predicates
    /// do not count.</summary>
    public IReadOnlyList<string> UnknownWords(string question, QueryExpansion? expansion = null)
    {
        if (rarity is null) return [];
        expansion ??= expander?.Expand(question);
        var unknown = new List<string>();
        foreach (var word in KoreanTokens.Words(question))
        {
            if (KoreanTokens.IsQuestionWord(word) || StopWords.Contains(word)) continue;
            var bridge = expansion?.Bridged.FirstOrDefault(b => b.Word == word);
            if (bridge is not null && bridge.Alternatives.Any(Known)) continue;
            if (!KoreanTokens.IsHangul(word[0]))
            {
                if (word.Length >= 3 && !char.IsDigit(word[0]) && !EverydayWords.ContainsEnglish(word) && !rarity.Occurs(word)) unknown.Add(word);
                continue;
            }
            if (EverydayWords.IsPredicate(word)) continue;
            var stem = ContentStem(word);
            if (stem is null || EverydayWords.IsEveryday(word, stem)) continue;
            if (!Known(stem)) unknown.Add(stem);
        }
        return unknown;
    }

    /// <summary>Whether the corpus has a term: a Latin word occurs as it is, a Korean one when most of its bigrams occur;
    /// a term of several words when each of them does.</summary>
    private bool Known(string term)
    {
        foreach (var word in KoreanTokens.Words(term))
        {
            if (!IsHangul(word[0]))
            {
                if (!rarity!.Occurs(word)) return false;
                continue;
            }
            int bigrams = 0, absent = 0;
            for (var i = 0; i + 1 < word.Length; i++, bigrams++)
                if (!rarity!.Occurs(word.Substring(i, 2))) absent++;
            if (absent * 2 > bigrams) return false;
        }
        return true;
    }

    /// <summary>The question's content terms with their weights, and the same for each variant in the documents' words.</summary>
    public List<WeightedTerms> WeightedTermSets(string question, QueryExpansion? expansion = null)
    {
        var sets = new List<WeightedTerms>();
        void Add(string text, double discount)
        {
            var terms = GateTerms(text);
            if (terms.Count == 0) return;
            var weights = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var t in terms) weights[t] = Math.Max(0.05, (rarity ?? UniformTermRarity.Instance).Idf(t));
            sets.Add(new WeightedTerms(weights, discount));
        }
        Add(question, 1);
        expansion ??= expander?.Expand(question);
        if (expansion is { HasVariants: true })
            foreach (var variant in expansion.Variants) Add(variant, VariantDiscount);
        return sets;
    }

    private const double VariantDiscount = 0.95;

    /// <summary>The best share of weight a hit covers over the question and its variants (a variant's discount kept).</summary>
    public static double WeightedCoverage(List<WeightedTerms> sets, SearchHit hit)
    {
        var haystack = HaystackOf(hit);
        var best = 0.0;
        foreach (var (weights, discount) in sets)
        {
            double total = 0, matched = 0;
            foreach (var (term, weight) in weights)
            {
                total += weight;
                if (haystack.Contains(term, StringComparison.Ordinal)) matched += weight;
            }
            if (total > 0) best = Math.Max(best, discount * matched / total);
        }
        return best;
    }

    /// <summary>Content terms with their rarity weights; <paramref name="Discount"/> below 1 for a variant in the documents' words.</summary>
    public sealed record WeightedTerms(Dictionary<string, double> Weights, double Discount);

    // Endings of the predicate that closes most questions (받을 수 있나요, 되나요, 해야 하나요): no document contains them.
    private static readonly string[] PredicateEndings =
    [
        "할수있나요", "할수있어요", "있습니까", "없습니까", "합니까", "됩니까", "인가요", "인지요", "일까요", "할까요", "하나요", "되나요", "있나요", "없나요",
        "했나요", "받나요", "나요", "까요", "가요", "세요", "어요", "아요", "해요", "돼요", "니까", "는지", "은지", "인지", "려면", "으면", "해야", "해도", "예요", "이에요",
    ];

    private static readonly HashSet<string> FunctionWords =
    [
        "수", "것", "거", "좀", "제", "저", "저는", "제가", "우리", "나", "내", "있", "없", "하", "되", "때", "더", "꼭", "혹시", "그", "이", "저희", "요",
        "알려", "알려줘", "알려주세요", "궁금", "궁금해요", "궁금합니다", "말해", "설명", "해주세요", "주세요", "싶어요", "싶습니다",
    ];

    /// <summary>A question's content terms: Hangul bigrams of its content words (question words, particles and the
    /// closing predicate's ending removed) and its Latin/digit words, English stop words left out.</summary>
    public static HashSet<string> ContentTerms(string text)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in KoreanTokens.Words(text))
        {
            if (KoreanTokens.IsQuestionWord(word) || FunctionWords.Contains(word)) continue;
            if (!KoreanTokens.IsHangul(word[0]))
            {
                if (word.Length >= 2 && !StopWords.Contains(word)) terms.Add(word);
                continue;
            }
            if (ContentStem(word) is not { } stem) continue;
            for (var i = 0; i + 1 < stem.Length; i++)
            {
                var bigram = stem.Substring(i, 2);
                if (!StopWords.Contains(bigram)) terms.Add(bigram);
            }
        }
        return terms;
    }

    /// <summary>The content terms the gate weighs: everyday words (오늘, 올해) and predicates no document contains
    /// (깎을, 잠겨요) name nothing a document could match, so they do not count.</summary>
    private HashSet<string> GateTerms(string text)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in KoreanTokens.Words(text))
        {
            if (KoreanTokens.IsHangul(word[0]))
            {
                if (EverydayWords.IsEveryday(word, ContentStem(word))) continue;
                if (rarity is not null && EverydayWords.IsPredicate(word) && !Known(word)) continue;
            }
            terms.UnionWith(ContentTerms(word));
            if (EndsLikeParticle(word, "가도")) terms.Add(word[^2..]);
        }
        return terms;
    }

    /// <summary>하계휴가, 연장근로: a noun of three or more syllables ending in a syllable that is also a particle (가, 도, 로)
    /// loses it to the particle list; its last bigram is kept as well.</summary>
    public static bool EndsLikeParticle(string word, string syllables)
        => word.Length >= 3 && syllables.Contains(word[^1]) && IsHangul(word[^2]) && IsHangul(word[^3]);

    /// <summary>A Korean word without its particle and the closing predicate's ending; null when nothing of content is
    /// left (a function word, a question word, one syllable, or a bare ending such as 해요 or 돼요).</summary>
    private static string? ContentStem(string word)
    {
        if (EverydayWords.IsBareEnding(word)) return null;
        var stem = KoreanTokens.StripParticle(word);
        foreach (var ending in PredicateEndings)
            if (stem.Length >= ending.Length + 1 && stem.EndsWith(ending, StringComparison.Ordinal))
            {
                stem = stem[..^ending.Length];
                break;
            }
        return stem.Length < 2 || FunctionWords.Contains(stem) || KoreanTokens.IsQuestionWord(stem) ? null : stem;
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
    // strings for a chunk until the chunk changes, so a question does not normalise and lowercase ten chunks anew.
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
