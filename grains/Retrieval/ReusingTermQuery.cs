using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>
/// A term query that matches and scores exactly as Lucene's <see cref="TermQuery"/>, but reads its postings through
/// readers kept per segment (<see cref="PostingsReaders"/>) instead of new ones: Lucene opens a terms
/// dictionary reader and a postings reader (a few KB of buffers) per term per segment per query, which was about 40%
/// of what a chat question's search allocated. Readers are shared only inside <see cref="PostingsReaders.Lend"/>;
/// outside it the query reads as Lucene's does.
/// </summary>
public sealed class ReusingTermQuery(Term term, TermContext states) : Query
{
    public Term Term => term;

    public override Weight CreateWeight(IndexSearcher searcher)
    {
        // As TermQuery: statistics gathered for another view of the index are gathered again for this one.
        var context = states.TopReaderContext == searcher.TopReaderContext ? states : PostingsReaders.Statistics(searcher.TopReaderContext, term);
        return new ReusingTermWeight(this, searcher, context);
    }

    public override void ExtractTerms(ISet<Term> terms) => terms.Add(term);

    public override string ToString(string field)
        => (term.Field == field ? "" : term.Field + ":") + term.Text + ToStringUtils.Boost(Boost);

    public override bool Equals(object? obj) => obj is ReusingTermQuery other && other.Boost == Boost && other.Term.Equals(term);

    public override int GetHashCode() => HashCode.Combine(Boost, term);

    private sealed class ReusingTermWeight : Weight
    {
        private readonly ReusingTermQuery _query;
        private readonly IndexSearcher _searcher;
        private readonly TermContext _states;
        private readonly Similarity _similarity;
        private readonly Similarity.SimWeight _stats;
        private float _queryNorm = 1, _topLevelBoost = 1;

        public ReusingTermWeight(ReusingTermQuery query, IndexSearcher searcher, TermContext states)
        {
            _query = query;
            _searcher = searcher;
            _states = states;
            _similarity = searcher.Similarity;
            _stats = _similarity.ComputeWeight(query.Boost, searcher.CollectionStatistics(query.Term.Field), searcher.TermStatistics(query.Term, states));
        }

        public override Query Query => _query;

        public override float GetValueForNormalization() => _stats.GetValueForNormalization();

        public override void Normalize(float norm, float topLevelBoost)
        {
            (_queryNorm, _topLevelBoost) = (norm, topLevelBoost);
            _stats.Normalize(norm, topLevelBoost);
        }

        public override Scorer? GetScorer(AtomicReaderContext context, IBits acceptDocs)
        {
            var state = _states.Get(context.Ord);
            if (state is null) return null; // the term is not in this segment
            var docs = PostingsReaders.Docs(context.AtomicReader, _query.Term, state, acceptDocs);
            return docs is null ? null : new PostingsScorer(this, docs, _similarity.GetSimScorer(_stats, context));
        }

        // Diagnostics only: Lucene's own term query explains the same score.
        public override Explanation Explain(AtomicReaderContext context, int doc)
        {
            var plain = new TermQuery(_query.Term, _states) { Boost = _query.Boost }.CreateWeight(_searcher);
            plain.GetValueForNormalization();
            plain.Normalize(_queryNorm, _topLevelBoost);
            return plain.Explain(context, doc);
        }
    }

    /// <summary>Lucene's TermScorer, over a lent postings reader.</summary>
    private sealed class PostingsScorer(Weight weight, DocsEnum docs, Similarity.SimScorer scorer) : Scorer(weight)
    {
        public override int DocID => docs.DocID;

        public override int Freq => docs.Freq;

        public override int NextDoc() => docs.NextDoc();

        public override int Advance(int target) => docs.Advance(target);

        public override float GetScore() => scorer.Score(docs.DocID, docs.Freq);

        public override long GetCost() => docs.GetCost();
    }
}

/// <summary>
/// Terms dictionary and postings readers kept per segment and field, and lent to the term queries of one search at a
/// time. A search runs on one thread from its first scorer to its last hit, so what it borrows is handed back when it
/// ends and reset by the next borrower. The pools hold what the busiest moment needed (a few searches at once on a
/// small machine) and go with their segment.
/// </summary>
public static class PostingsReaders
{
    private static readonly ConditionalWeakTable<AtomicReader, Dictionary<string, Pool>> Segments = new();
    [ThreadStatic] private static Lending? _lending;

    /// <summary>Lends readers to the term queries this thread runs until the returned scope is disposed.</summary>
    public static Lending Lend()
    {
        var lending = _lending ??= new Lending();
        if (lending.Active) throw new InvalidOperationException("A search on this thread is already borrowing postings readers.");
        lending.Active = true;
        return lending;
    }

    internal static DocsEnum? Docs(AtomicReader segment, Term term, TermState state, IBits acceptDocs)
    {
        if (_lending is not { Active: true } lending)
        {
            // Outside a lending scope: new readers, as Lucene's TermQuery.
            var terms = segment.GetTerms(term.Field)?.GetEnumerator();
            if (terms is null) return null;
            terms.SeekExact(term.Bytes, state);
            return terms.Docs(acceptDocs, null, DocsFlags.FREQS);
        }
        if (!lending.Terms.TryGetValue((segment, term.Field), out var borrowed))
        {
            var pool = PoolOf(segment, term.Field);
            if (pool.TakeTerms(segment, term.Field) is not { } terms) return null;
            lending.Terms[(segment, term.Field)] = borrowed = (pool, terms);
        }
        // The terms reader only positions the postings reader, which copies what it needs from it.
        borrowed.Terms.SeekExact(term.Bytes, state);
        var docs = borrowed.Terms.Docs(acceptDocs, borrowed.Pool.TakeDocs(), DocsFlags.FREQS);
        lending.Docs.Add((borrowed.Pool, docs));
        return docs;
    }

    /// <summary>What Lucene's <c>TermContext.Build</c> gives (the term's state and frequencies in each segment), looked
    /// up with pooled terms-dictionary readers: Build opens a new reader (with its frames and buffers) per segment for
    /// every term an index view has not looked up before (retrieval bench: 54 → 50 KB allocated per query).</summary>
    public static TermContext Statistics(IndexReaderContext top, Term term)
    {
        var context = new TermContext(top);
        foreach (var leaf in top.Leaves)
        {
            var pool = PoolOf(leaf.AtomicReader, term.Field);
            if (pool.TakeTerms(leaf.AtomicReader, term.Field) is not { } terms) continue;
            try
            {
                if (terms.SeekExact(term.Bytes)) context.Register(terms.GetTermState(), leaf.Ord, terms.DocFreq, terms.TotalTermFreq);
            }
            finally
            {
                pool.Return(terms);
            }
        }
        return context;
    }

    private static Pool PoolOf(AtomicReader segment, string field)
    {
        var fields = Segments.GetValue(segment, _ => new Dictionary<string, Pool>(StringComparer.Ordinal));
        lock (fields)
        {
            if (!fields.TryGetValue(field, out var pool)) fields[field] = pool = new Pool();
            return pool;
        }
    }

    internal sealed class Pool
    {
        private readonly Lock _gate = new();
        private readonly Stack<TermsEnum> _terms = new();
        private readonly Stack<DocsEnum> _docs = new();

        public TermsEnum? TakeTerms(AtomicReader segment, string field)
        {
            lock (_gate)
                if (_terms.TryPop(out var terms)) return terms;
            return segment.GetTerms(field)?.GetEnumerator();
        }

        public DocsEnum? TakeDocs()
        {
            lock (_gate) return _docs.TryPop(out var docs) ? docs : null;
        }

        public void Return(TermsEnum terms)
        {
            lock (_gate) _terms.Push(terms);
        }

        public void Return(DocsEnum docs)
        {
            lock (_gate) _docs.Push(docs);
        }
    }

    /// <summary>One thread's borrowing scope, reused from search to search.</summary>
    public sealed class Lending : IDisposable
    {
        internal bool Active { get; set; }
        internal Dictionary<(AtomicReader Segment, string Field), (Pool Pool, TermsEnum Terms)> Terms { get; } = new();
        internal List<(Pool Pool, DocsEnum Docs)> Docs { get; } = new(64);

        public void Dispose()
        {
            foreach (var (pool, terms) in Terms.Values) pool.Return(terms);
            foreach (var (pool, docs) in Docs) pool.Return(docs);
            Terms.Clear();
            Docs.Clear();
            Active = false;
        }
    }
}
