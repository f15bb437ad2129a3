namespace KnowledgeBase.Grains.Retrieval;

public enum FusionMethod { ReciprocalRank, NormalizedScore }

/// <summary>Which of the index's two remaining replacements of Lucene parts give way to Lucene's own. Scores are the same
/// either way; only cost differs. `tests/Bench retrieval --stock` measures them against each other (docs/benchmarks.md).</summary>
[Flags]
public enum StockLuceneParts
{
    None = 0,
    /// <summary><see cref="Lucene.Net.Search.TermQuery"/> instead of <see cref="ReusingTermQuery"/>.</summary>
    TermQuery = 1,
    /// <summary>Term and field statistics looked up for every query instead of cached per index view.</summary>
    Statistics = 2,
    All = TermQuery | Statistics,
}

/// <summary>Knobs of the hybrid index; the defaults are the ones measured best on KorQuAD 1.0 dev (see tests/Bench).</summary>
public sealed class RetrievalOptions
{
    public float Bm25K1 { get; set; } = 1.2f;
    public float Bm25B { get; set; } = 0.75f;

    /// <summary>Per-field weights of the lexical query.</summary>
    public float TextBoost { get; set; } = 1.0f;
    public float UnigramBoost { get; set; } = 0.0f;
    public float TrigramBoost { get; set; } = 0.0f;
    public float StemBoost { get; set; } = 0.5f;
    public float PairBoost { get; set; } = 1.0f;
    public float TitleBoost { get; set; } = 0.0f;
    public float SectionBoost { get; set; } = 0.5f;

    public FusionMethod Fusion { get; set; } = FusionMethod.NormalizedScore;

    /// <summary>Weight of the vector list against the lexical one (lexical weight is 1 - this).</summary>
    public float VectorWeight { get; set; } = 0.1f;

    /// <summary>The k of reciprocal rank fusion, 1 / (k + rank).</summary>
    public int RrfK { get; set; } = 60;

    /// <summary>How many candidates each list contributes before fusion.</summary>
    public int Candidates { get; set; } = 50;

    /// <summary>At most this many chunks of one document in a result, unless only one document matches.</summary>
    public int MaxChunksPerDocument { get; set; } = 3;

    /// <summary>From this many chunks on, query terms found in more than <see cref="CommonTermFraction"/> of all chunks
    /// only score chunks that match a rarer query term (0 turns it off).</summary>
    public int CommonTermsMinChunks { get; set; } = 20_000;
    public float CommonTermFraction { get; set; } = 0.02f;

    /// <summary>In the same large corpora, at most this many of a field's rarer query terms (the rarest) are searched.</summary>
    public int MaxRareTermsPerField { get; set; } = 6;

    /// <summary>From this many chunks on, the lexical and the vector search of one query run in parallel.</summary>
    public int ParallelSearchMinChunks { get; set; } = 20_000;

    /// <summary>How many fused candidates the proximity reranker rescores, and the weights of its two features.</summary>
    public int RerankDepth { get; set; } = 30;
    public float CoverageWeight { get; set; } = 0.8f;
    public float ProximityWeight { get; set; } = 0.8f;
    public float HeadingWeight { get; set; } = 0.3f;

    /// <summary>Bonus of a reranked chunk that carries the kind of value the question asks for (days, an amount, a deadline).</summary>
    public float AnswerTypeWeight { get; set; } = 0.25f;

    /// <summary>An index of at most this many chunks that has gone <see cref="CompactAfterQuiet"/> without a write is
    /// merged into one Lucene segment (0 turns it off). Every query term is looked up in every segment, and ingestion
    /// leaves one small segment per document until Lucene's merge policy, tuned for ingestion speed, gathers eight:
    /// with the five statutes in one segment instead of five, a query allocates about a third less. Larger indexes are
    /// left to the merge policy: rewriting them whole would cost more than it saves.</summary>
    public int CompactMaxChunks { get; set; } = 100_000;
    public TimeSpan CompactAfterQuiet { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Replacements of Lucene parts turned back into Lucene's own (none in the product).</summary>
    public StockLuceneParts StockLucene { get; set; }

    /// <summary>Dimensions of the offline hashing embedder.</summary>
    public int HashingDimensions { get; set; } = 512;
}
