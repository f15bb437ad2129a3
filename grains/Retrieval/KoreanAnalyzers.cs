using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>The Lucene analysis chains of the lexical index. Hangul has no word boundaries a particle cannot break
/// (임종석이 vs 임종석의), so text is indexed as overlapping syllable bigrams, plus single syllables in a second field.</summary>
public static class KoreanAnalyzers
{
    internal const LuceneVersion Version = LuceneVersion.LUCENE_48;

    private const CJKScript AllScripts = CJKScript.HAN | CJKScript.HIRAGANA | CJKScript.KATAKANA | CJKScript.HANGUL;

    /// <summary>Syllable bigrams (CJKAnalyzer's chain without its English stop words).</summary>
    public static Analyzer Bigrams() => Analyzer.NewAnonymous((_, reader) =>
    {
        var source = new StandardTokenizer(Version, reader);
        TokenStream stream = new CJKWidthFilter(source);
        stream = new LowerCaseFilter(Version, stream);
        stream = new CJKBigramFilter(stream, AllScripts, outputUnigrams: false);
        return new TokenStreamComponents(source, stream);
    });

    /// <summary>Single syllables: recovers one-syllable words and names that bigrams split badly.</summary>
    public static Analyzer Unigrams() => HangulGrams(1);

    /// <summary>Syllable trigrams inside Hangul words: rewards longer exact matches (names, compounds).</summary>
    public static Analyzer Trigrams() => HangulGrams(3);

    /// <summary>Whole words with a trailing particle removed (임종석이, 임종석의 -> 임종석), and non-Hangul words as they are.</summary>
    public static Analyzer Stems() => Analyzer.NewAnonymous((_, reader) =>
    {
        var source = new StandardTokenizer(Version, reader);
        TokenStream stream = new CJKWidthFilter(source);
        stream = new LowerCaseFilter(Version, stream);
        stream = new StemFilter(stream);
        return new TokenStreamComponents(source, stream);
    });

    /// <summary>Adjacent word stems joined ("여의도 농민" -> "여의도 농민" as one term): rewards a question that reuses a
    /// phrase of the passage in the same order, which bags of bigrams cannot see.</summary>
    public static Analyzer StemPairs() => Analyzer.NewAnonymous((_, reader) =>
    {
        var source = new StandardTokenizer(Version, reader);
        TokenStream stream = new CJKWidthFilter(source);
        stream = new LowerCaseFilter(Version, stream);
        stream = new StemFilter(stream);
        var shingles = new Lucene.Net.Analysis.Shingle.ShingleFilter(stream, 2, 2);
        shingles.SetOutputUnigrams(false);
        stream = shingles;
        return new TokenStreamComponents(source, stream);
    });

    private static Analyzer HangulGrams(int size) => Analyzer.NewAnonymous((_, reader) =>
    {
        var source = new StandardTokenizer(Version, reader);
        TokenStream stream = new CJKWidthFilter(source);
        stream = new LowerCaseFilter(Version, stream);
        stream = new HangulGramFilter(stream, size);
        return new TokenStreamComponents(source, stream);
    });

    /// <summary>The terms an analyzer produces for a text, in order.</summary>
    public static List<string> Terms(Analyzer analyzer, string field, string text)
    {
        var terms = new List<string>();
        using var stream = analyzer.GetTokenStream(field, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
            terms.Add(term.ToString());
        stream.End();
        return terms;
    }

    /// <summary>Replaces each Hangul token by its syllable n-grams (tokens shorter than n are dropped unless n is 1);
    /// other tokens (numbers, Latin words) pass through whole for n = 1 and are dropped otherwise.</summary>
    private sealed class HangulGramFilter(TokenStream input, int size) : TokenFilter(input)
    {
        private readonly ICharTermAttribute _term = input.AddAttribute<ICharTermAttribute>();
        private string? _pending;
        private int _next;

        public override bool IncrementToken()
        {
            while (true)
            {
                if (_pending is not null && _next + size <= _pending.Length)
                {
                    _term.SetEmpty().Append(_pending, _next, size);
                    _next++;
                    return true;
                }
                _pending = null;
                if (!m_input.IncrementToken()) return false;
                var text = _term.ToString();
                if (text.Length > 0 && Models.KoreanTokens.IsHangul(text[0]))
                {
                    _pending = text;
                    _next = 0;
                }
                else if (size == 1)
                {
                    return true;
                }
            }
        }

        public override void Reset()
        {
            base.Reset();
            _pending = null;
            _next = 0;
        }
    }

    private sealed class StemFilter(TokenStream input) : TokenFilter(input)
    {
        private readonly ICharTermAttribute _term = input.AddAttribute<ICharTermAttribute>();

        public override bool IncrementToken()
        {
            if (!m_input.IncrementToken()) return false;
            var text = _term.ToString();
            if (text.Length > 0 && Models.KoreanTokens.IsHangul(text[0]))
            {
                var stem = Models.KoreanTokens.StripParticle(text);
                if (stem.Length != text.Length) _term.SetEmpty().Append(stem);
            }
            return true;
        }
    }
}
