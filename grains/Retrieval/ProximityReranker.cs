using KnowledgeBase.Grains.Models;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>Second stage over the best fused candidates: rewards chunks that contain more of the question's terms, and
/// contain them close together. BM25 scores terms one by one; an answer passage usually holds the question's words
/// within one sentence or two, which is what this measures.</summary>
public static class ProximityReranker
{
    private const double VariantDiscount = 0.9;

    public static List<(string ChunkId, string DocumentId, double Score)> Rerank(
        string query, IReadOnlyList<(string ChunkId, string DocumentId, double Score)> ranked,
        Func<string, (string Text, string Heading)?> textOf, RetrievalOptions options, IReadOnlyList<string>? variants = null,
        QuestionType type = QuestionType.Other)
    {
        if (ranked.Count < 2 || options.RerankDepth <= 0 || options.CoverageWeight <= 0 && options.ProximityWeight <= 0) return ranked.ToList();
        var terms = QueryTerms(query);
        // A variant (the question in the documents' words) counts a little less than the user's own words.
        List<HashSet<string>>? variantTerms = variants is { Count: > 0 } ? variants.Select(QueryTerms).Where(t => t.Count > 0).ToList() : null;
        if (terms.Count == 0 && variantTerms is not { Count: > 0 }) return ranked.ToList();

        var depth = Math.Min(options.RerankDepth, ranked.Count);
        var top = ranked[0].Score;
        var window = Math.Clamp(query.Length * 2, 24, 160);
        var rescored = new List<(string, string, double)>(ranked.Count);
        var positions = new List<(int Position, int Term)>(64); // reused by every candidate of this query
        for (var i = 0; i < depth; i++)
        {
            var (chunkId, documentId, score) = ranked[i];
            var (text, heading) = textOf(chunkId) ?? ("", "");
            var (coverage, proximity) = terms.Count == 0 ? (0, 0) : Features(text, terms, window, positions);
            // A chunk whose own heading names the question's topic is about it, not merely mentioning it
            // (제60조 (연차 유급휴가) rather than 제62조, which refers to "제60조에 따른 연차 유급휴가").
            var headingCoverage = heading.Length == 0 || terms.Count == 0 ? 0 : (double)CountContained(heading, terms) / terms.Count;
            if (variantTerms is not null)
                foreach (var v in variantTerms)
                {
                    var (c, p) = Features(text, v, window, positions);
                    var h = heading.Length == 0 ? 0 : (double)CountContained(heading, v) / v.Count;
                    if ((c + p + h) * VariantDiscount > coverage + proximity + headingCoverage)
                        (coverage, proximity, headingCoverage) = (c * VariantDiscount, p * VariantDiscount, h * VariantDiscount);
                }
            // A chunk that states the kind of value asked for ("15일" for 며칠) is more likely the answer than one that
            // only discusses the topic (제60조 ① rather than ⑧).
            var typed = type != QuestionType.Other && options.AnswerTypeWeight > 0 && QuestionTypes.Carries(type, text) ? options.AnswerTypeWeight : 0;
            rescored.Add((chunkId, documentId, (top > 0 ? score / top : 0) + options.CoverageWeight * coverage
                + options.ProximityWeight * proximity + options.HeadingWeight * headingCoverage + typed));
        }
        rescored.Sort(static (a, b) => b.Item3.CompareTo(a.Item3));
        // Candidates below the rerank depth keep their order after the reranked ones.
        for (var i = depth; i < ranked.Count; i++) rescored.Add((ranked[i].ChunkId, ranked[i].DocumentId, double.MinValue + i));
        return rescored;
    }

    /// <summary>Hangul bigrams of the question's content words (question words dropped) and Latin/digit words.</summary>
    public static HashSet<string> QueryTerms(string query)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in KoreanTokens.Words(query))
        {
            if (KoreanTokens.IsQuestionWord(word)) continue;
            var stem = KoreanTokens.StripParticle(word);
            if (stem.Length == 0) continue;
            if (!KoreanTokens.IsHangul(stem[0]))
            {
                if (stem.Length >= 2) terms.Add(stem);
                continue;
            }
            if (stem.Length == 1) terms.Add(stem);
            for (var i = 0; i + 1 < stem.Length; i++) terms.Add(stem.Substring(i, 2));
        }
        return terms;
    }

    /// <summary>Coverage: the share of query terms the text contains. Proximity: the most distinct query terms found in
    /// any window of <paramref name="window"/> characters, as a share of all query terms.</summary>
    public static (double Coverage, double Proximity) Features(string text, HashSet<string> terms, int window)
        => Features(text, terms, window, new List<(int Position, int Term)>(32));

    private static (double Coverage, double Proximity) Features(string text, HashSet<string> terms, int window, List<(int Position, int Term)> positions)
    {
        if (terms.Count == 0) return (0, 0);
        // Occurrences as (position, term number) pairs and per-term counts in arrays: this runs for every candidate of every query.
        positions.Clear();
        var number = 0;
        foreach (var term in terms)
        {
            for (var at = text.IndexOf(term, StringComparison.Ordinal); at >= 0; at = text.IndexOf(term, at + 1, StringComparison.Ordinal))
                positions.Add((at, number));
            number++;
        }
        if (positions.Count == 0) return (0, 0);
        positions.Sort(static (a, b) => a.Position.CompareTo(b.Position));

        Span<int> counts = terms.Count <= 256 ? stackalloc int[terms.Count] : new int[terms.Count];
        foreach (var (_, term) in positions) counts[term] = 1;
        var found = 0;
        foreach (var c in counts) found += c;
        counts.Clear();

        int best = 0, distinct = 0, start = 0;
        for (var end = 0; end < positions.Count; end++)
        {
            if (counts[positions[end].Term]++ == 0) distinct++;
            while (positions[end].Position - positions[start].Position > window)
                if (--counts[positions[start++].Term] == 0) distinct--;
            best = Math.Max(best, distinct);
        }
        return ((double)found / terms.Count, (double)best / terms.Count);
    }

    private static int CountContained(string text, HashSet<string> terms)
    {
        var count = 0;
        foreach (var term in terms)
            if (text.Contains(term, StringComparison.Ordinal)) count++;
        return count;
    }
}
