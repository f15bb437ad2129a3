using System.Collections.Concurrent;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>
/// BM25 with the same norms, arithmetic and scores as Lucene's <see cref="BM25Similarity"/>, without its per-term
/// costs: Lucene builds a 256-entry length-normalisation table and formats an explanation string for every term of
/// every query (a question becomes one clause per distinct term per field, over seven fields). The table depends only on the field's
/// average length, so it is built once per value; the explanation is made only when one is asked for.
/// </summary>
public sealed class SharedNormBm25Similarity(float k1, float b) : Similarity
{
    // Lucene's decoded field lengths (1 / f², f the byte-encoded norm), as its BM25Similarity decodes them.
    private static readonly float[] FieldLengths = Enumerable.Range(0, 256)
        .Select(i => { var f = SmallSingle.SByte315ToSingle((sbyte)i); return 1.0f / (f * f); }).ToArray();

    private readonly BM25Similarity _lucene = new(k1, b);
    private readonly ConcurrentDictionary<float, float[]> _lengthNorms = new();

    public float K1 => k1;

    /// <summary>Index time: exactly Lucene's BM25 norm, so indexes written with either similarity are the same.</summary>
    public override long ComputeNorm(FieldInvertState state) => _lucene.ComputeNorm(state);

    public override SimWeight ComputeWeight(float queryBoost, CollectionStatistics collectionStats, params TermStatistics[] termStats)
    {
        var idf = 0.0f;
        foreach (var term in termStats) idf += Idf(term.DocFreq, collectionStats.MaxDoc);
        var averageLength = AverageFieldLength(collectionStats);
        if (!_lengthNorms.TryGetValue(averageLength, out var lengthNorms))
        {
            // One entry per field and index version: bounded for a process that sees many corpus changes.
            if (_lengthNorms.Count >= 1024) _lengthNorms.Clear();
            _lengthNorms[averageLength] = lengthNorms = LengthNorms(averageLength);
        }
        return new Weight(collectionStats, termStats, idf, queryBoost, lengthNorms);
    }

    public override SimScorer GetSimScorer(SimWeight weight, AtomicReaderContext context)
    {
        var stats = (Weight)weight;
        return new Scorer(this, stats, context, context.AtomicReader.GetNormValues(stats.CollectionStats.Field));
    }

    private static float Idf(long docFreq, long numDocs) => (float)Math.Log(1 + (numDocs - docFreq + 0.5D) / (docFreq + 0.5D));

    private static float AverageFieldLength(CollectionStatistics stats)
        => stats.SumTotalTermFreq <= 0 ? 1f : (float)(stats.SumTotalTermFreq / (double)stats.MaxDoc);

    // k1 * ((1 - b) + b * dl / avgdl) for every encoded length, in Lucene's order of operations.
    private float[] LengthNorms(float averageLength)
    {
        var norms = new float[256];
        for (var i = 0; i < norms.Length; i++) norms[i] = k1 * ((1 - b) + b * FieldLengths[i] / averageLength);
        return norms;
    }

    private sealed class Weight(CollectionStatistics collectionStats, TermStatistics[] termStats, float idf, float queryBoost, float[] lengthNorms)
        : SimWeight
    {
        public CollectionStatistics CollectionStats { get; } = collectionStats;
        public TermStatistics[] TermStats { get; } = termStats;
        public float Idf { get; } = idf;
        public float QueryBoost { get; } = queryBoost;
        public float[] LengthNorms { get; } = lengthNorms;
        public float TopLevelBoost { get; private set; }
        public float Value { get; private set; }

        // As Lucene's BM25: a TF-IDF-like value for the query norm, which BM25 itself then ignores.
        public override float GetValueForNormalization()
        {
            var queryWeight = Idf * QueryBoost;
            return queryWeight * queryWeight;
        }

        public override void Normalize(float queryNorm, float topLevelBoost)
        {
            TopLevelBoost = topLevelBoost;
            Value = Idf * QueryBoost * topLevelBoost;
        }
    }

    private sealed class Scorer(SharedNormBm25Similarity similarity, Weight weight, AtomicReaderContext context, NumericDocValues? norms) : SimScorer
    {
        private readonly float _weightValue = weight.Value * (similarity.K1 + 1);

        public override float Score(int doc, float freq)
        {
            // Without norms, as if b = 0.
            var norm = norms is null ? similarity.K1 : weight.LengthNorms[(sbyte)norms.Get(doc) & 0xFF];
            return _weightValue * freq / (freq + norm);
        }

        public override float ComputeSlopFactor(int distance) => 1.0f / (distance + 1);

        public override float ComputePayloadFactor(int doc, int start, int end, BytesRef payload) => 1;

        // Rare (diagnostics only): Lucene's own BM25 explains the same score.
        public override Explanation Explain(int doc, Explanation freq)
        {
            var lucene = similarity._lucene.ComputeWeight(weight.QueryBoost, weight.CollectionStats, weight.TermStats);
            lucene.Normalize(1, weight.TopLevelBoost);
            return similarity._lucene.GetSimScorer(lucene, context).Explain(doc, freq);
        }
    }
}
