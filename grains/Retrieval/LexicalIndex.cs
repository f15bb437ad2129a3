using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using KnowledgeBase.Grains.Models;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>The Lucene.Net BM25 index of chunk text, title and section. Writes are invisible to searches until
/// <see cref="Refresh"/>, which the hybrid index calls together with the vector swap.</summary>
public sealed class LexicalIndex : IDisposable
{
    private const string Id = "id", Doc = "doc", File = "file", Title = "title", Section = "section", Page = "page",
        Text = "text", Tag = "tag", TextBigrams = "text_b", TextUnigrams = "text_u", TitleBigrams = "title_b", SectionBigrams = "section_b",
        TextTrigrams = "text_t", TextStems = "text_w", TextPairs = "text_p", IdValues = "id_dv", DocValues = "doc_dv",
        CollectionKeys = "collection_key_dv", CollectionIds = "collection_id_dv",
        Aliases = "alias", AliasBigrams = "alias_b", Numbers = "num";

    private const int MaxQueryTerms = 256;

    private readonly LuceneDirectory _directory;
    private readonly Analyzer _analyzer;
    private readonly Analyzer _bigrams = KoreanAnalyzers.Bigrams();
    private readonly Analyzer _unigrams = KoreanAnalyzers.Unigrams();
    private readonly Analyzer _trigrams = KoreanAnalyzers.Trigrams();
    private readonly Analyzer _stems = KoreanAnalyzers.Stems();
    private readonly Analyzer _pairs = KoreanAnalyzers.StemPairs();
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly RetrievalOptions _options;
    private readonly AnswerOptions _answers;

    public LexicalIndex(LuceneDirectory directory, RetrievalOptions options, AnswerOptions? answers = null)
    {
        _directory = directory;
        _options = options;
        _answers = answers ?? new AnswerOptions();
        _analyzer = new PerFieldAnalyzerWrapper(_bigrams, new Dictionary<string, Analyzer>
        {
            [TextUnigrams] = _unigrams,
            [TextTrigrams] = _trigrams,
            [TextStems] = _stems,
            [TextPairs] = _pairs,
            [Numbers] = new Lucene.Net.Analysis.Core.WhitespaceAnalyzer(KoreanAnalyzers.Version),
        });
        var similarity = new BM25Similarity(options.Bm25K1, options.Bm25B);
        var config = new IndexWriterConfig(KoreanAnalyzers.Version, _analyzer)
        {
            OpenMode = OpenMode.CREATE_OR_APPEND,
            Similarity = similarity,
            RAMBufferSizeMB = 64,
            // Every term of a query is looked up in every segment, so few segments keep queries fast; small group
            // commits make many tiny segments, merged eagerly here.
            MergePolicy = new TieredMergePolicy { SegmentsPerTier = 4, MaxMergeAtOnce = 8, FloorSegmentMB = 8 },
            MergedSegmentWarmer = new MergeNotifier(() => MergeCompleted?.Invoke()),
        };
        _writer = new IndexWriter(directory, config);
        EnsureCollectionFields();
        _searchers = new SearcherManager(_writer, true, new Bm25SearcherFactory(similarity, options.StockLucene.HasFlag(StockLuceneParts.Statistics)));
    }

    /// <summary>Lucene updates doc values in place only for fields the index already knows; an index written before
    /// collections existed learns them from one document added and deleted at once. Its chunks read as key 0, the
    /// default collection, until a move sets them.</summary>
    private void EnsureCollectionFields()
    {
        using var reader = DirectoryReader.Open(_writer, applyAllDeletes: false);
        if (reader.MaxDoc == 0 || reader.Leaves.Any(l => l.AtomicReader.FieldInfos.FieldInfo(CollectionKeys) is not null)) return;
        var marker = new Term(Id, "\u0001collection-fields");
        _writer.AddDocument(new Document
        {
            new StringField(Id, marker.Text, Field.Store.NO),
            new NumericDocValuesField(CollectionKeys, 0),
            new BinaryDocValuesField(CollectionIds, new BytesRef(DefaultCollection.Id)),
        });
        _writer.DeleteDocuments(marker);
        _writer.Commit();
    }

    /// <summary>Raised (on a merge thread) when a merge finished; a refresh then lets searches use the merged segment.</summary>
    public event Action? MergeCompleted;

    public int SegmentCount(IndexSearcher searcher) => searcher.IndexReader.Leaves.Count;

    /// <summary>Replaces every chunk of a document in one atomic Lucene operation (a refresh sees all or none).
    /// <paramref name="aliases"/> holds, by chunk id, the names the document defines that a chunk is also found by.</summary>
    public void Replace(string documentId, IReadOnlyList<IndexedChunk> chunks, IReadOnlyDictionary<string, string>? aliases = null)
    {
        var term = new Term(Doc, documentId);
        if (chunks.Count == 0)
            _writer.DeleteDocuments(term);
        else
            _writer.UpdateDocuments(term, chunks.Select(c => ToDocument(c, aliases?.GetValueOrDefault(c.ChunkId))).ToList());
    }

    public void Delete(string documentId) => _writer.DeleteDocuments(new Term(Doc, documentId));

    /// <summary>Sets the collection of every chunk of a document in place (doc values updates: no text is analysed again).</summary>
    public void Move(string documentId, string collectionId)
    {
        var term = new Term(Doc, documentId);
        _writer.UpdateNumericDocValue(term, CollectionKeys, Retrieval.CollectionKeys.Of(collectionId));
        _writer.UpdateBinaryDocValue(term, CollectionIds, new BytesRef(DefaultCollection.Of(collectionId)));
    }

    /// <summary>The collection key of each document in a searcher's view (the vector index's filter is rebuilt from it).</summary>
    public Dictionary<string, long> DocumentCollections(IndexSearcher searcher)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var leaf in searcher.IndexReader.Leaves)
        {
            var reader = leaf.AtomicReader;
            var keys = reader.GetNumericDocValues(CollectionKeys);
            var live = reader.LiveDocs;
            for (var doc = 0; doc < reader.MaxDoc; doc++)
            {
                if (live is not null && !live.Get(doc)) continue;
                result[SegmentIds.Get(reader, doc).DocumentId] = keys?.Get(doc) ?? 0;
            }
        }
        return result;
    }

    /// <summary>The collection id of a chunk (documents indexed before collections existed: the default one).</summary>
    public static string CollectionOf(IndexSearcher searcher, int luceneDoc)
    {
        var leaves = searcher.IndexReader.Leaves;
        var leaf = leaves[ReaderUtil.SubIndex(luceneDoc, leaves)];
        var values = leaf.AtomicReader.GetBinaryDocValues(CollectionIds);
        if (values is null) return DefaultCollection.Id;
        var bytes = new BytesRef();
        values.Get(luceneDoc - leaf.DocBase, bytes);
        return bytes.Length == 0 ? DefaultCollection.Id : bytes.Utf8ToString();
    }
    public void Refresh() => _searchers.MaybeRefreshBlocking();

    /// <summary>Merges the index into one segment when it has several and at most <paramref name="maxDocs"/> documents,
    /// and waits for the merge; false when there was nothing to do. Searches go on meanwhile on the segments they have.</summary>
    public bool CompactIfSmall(int maxDocs)
    {
        int segments, docs;
        using (var current = DirectoryReader.Open(_writer, applyAllDeletes: false))
        {
            segments = current.Leaves.Count;
            docs = current.MaxDoc;
        }
        if (segments <= 1 || docs > maxDocs) return false;
        _writer.ForceMerge(1, doWait: true);
        return true;
    }

    public void Commit() => _writer.Commit();

    public IndexSearcher Acquire() => _searchers.Acquire();

    public void Release(IndexSearcher searcher) => _searchers.Release(searcher);

    /// <summary>The document ids present in a searcher's view (used to check the vector store against it on start).</summary>
    public HashSet<string> DocumentIds(IndexSearcher searcher)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var leaf in searcher.IndexReader.Leaves)
        {
            var terms = leaf.AtomicReader.GetTerms(Doc);
            if (terms is null) continue;
            var e = terms.GetEnumerator();
            while (e.MoveNext())
            {
                var docs = e.Docs(leaf.AtomicReader.LiveDocs, null);
                if (docs.NextDoc() != DocIdSetIterator.NO_MORE_DOCS)
                    ids.Add(e.Term.Utf8ToString());
            }
        }
        return ids;
    }

    /// <summary>BM25 over bigrams of text, title and section plus unigrams of text, after question boilerplate is removed.</summary>
    /// <remarks>An <paramref name="expansion"/> adds the thesaurus' and synonym sets' terms at
    /// <see cref="AnswerOptions.ExpansionWeight"/> of the user's own words, searches the chunks' defined-term aliases,
    /// and the question's canonical number tokens.</remarks>
    public IReadOnlyList<(int LuceneDoc, float Score, string ChunkId, string DocumentId)> Search(
        IndexSearcher searcher, string query, IReadOnlyList<string>? tags, IReadOnlySet<long>? collections, int count, QueryExpansion? expansion = null)
    {
        var cleaned = CleanQuery(query);
        var boolean = new BooleanQuery(disableCoord: true);
        // In a large corpus the terms found in a big share of all chunks (바, 있다, 에서 ...) have the longest postings and
        // the lowest IDF: they then only add their score to chunks that match a rarer term of the question, instead of
        // being scanned in full (what Lucene's CommonTermsQuery does), and a long question keeps only its rarest terms
        // per field. Small corpora run the plain disjunction of every term.
        var large = searcher.IndexReader.MaxDoc >= _options.CommonTermsMinChunks && _options.CommonTermFraction > 0;
        // Kept only for small indexes: in a large one, term lookups are a small part of a query and a cache of their
        // per-segment states grows the heap enough to lengthen the slowest queries.
        var stats = large || _options.StockLucene.HasFlag(StockLuceneParts.Statistics) ? NewTermStatistics(searcher, capacity: 0)
            : _termStats.GetValue(searcher.IndexReader, _ => NewTermStatistics(searcher, capacity: 100_000));
        // A field weighted 0 is not even analysed (the defaults leave unigrams, trigrams and titles out), and the
        // bigrams of the text, title and section fields (one analyzer, whatever the field) are worked out once.
        List<string>? bigrams = null;
        void AddTerms(BooleanQuery q, string field, Analyzer analyzer, float boost)
        {
            if (boost <= 0) return;
            var terms = analyzer == _bigrams ? bigrams ??= KoreanAnalyzers.Terms(analyzer, field, cleaned) : KoreanAnalyzers.Terms(analyzer, field, cleaned);
            if (large) AddRarestTerms(searcher, stats, q, field, terms, boost);
            else LexicalIndex.AddTerms(stats, q, field, terms, boost);
        }
        AddTerms(boolean, TextBigrams, _bigrams, _options.TextBoost);
        AddTerms(boolean, TextUnigrams, _unigrams, _options.UnigramBoost);
        AddTerms(boolean, TextTrigrams, _trigrams, _options.TrigramBoost);
        AddTerms(boolean, TextStems, _stems, _options.StemBoost);
        AddTerms(boolean, TextPairs, _pairs, _options.PairBoost);
        AddTerms(boolean, TitleBigrams, _bigrams, _options.TitleBoost);
        AddTerms(boolean, SectionBigrams, _bigrams, _options.SectionBoost);
        if (expansion is not null) AddExpansion(boolean, expansion, bigrams ?? [], stats, large, searcher);
        if (boolean.Clauses.Count == 0) return [];

        // Lucene scores a pure disjunction out of doc order with a table of 2,048 buckets per segment; on a small index
        // allocating those tables cost more than scoring, so below the large-corpus size the in-order scorer runs.
        var collector = TopScoreDocCollector.Create(count, docsScoredInOrder: !large);
        if (_options.StockLucene.HasFlag(StockLuceneParts.TermQuery)) searcher.Search(boolean, Filter(tags, collections), collector);
        else using (PostingsReaders.Lend()) searcher.Search(boolean, Filter(tags, collections), collector);
        var top = collector.GetTopDocs();
        var hits = new List<(int, float, string, string)>(top.ScoreDocs.Length);
        var leaves = searcher.IndexReader.Leaves;
        foreach (var scoreDoc in top.ScoreDocs)
        {
            var leaf = leaves[ReaderUtil.SubIndex(scoreDoc.Doc, leaves)];
            var ids = SegmentIds.Get(leaf.AtomicReader, scoreDoc.Doc - leaf.DocBase);
            hits.Add((scoreDoc.Doc, scoreDoc.Score, ids.ChunkId, ids.DocumentId));
        }
        return hits;
    }

    private void AddExpansion(BooleanQuery boolean, QueryExpansion expansion, List<string> bigrams, TermStatistics stats, bool large, IndexSearcher searcher)
    {
        void Add(string field, List<string> terms, float boost)
        {
            if (boost <= 0 || terms.Count == 0) return;
            if (large) AddRarestTerms(searcher, stats, boolean, field, terms, boost);
            else AddTerms(stats, boolean, field, terms, boost);
        }
        var weight = _answers.ExpansionWeight;
        List<string> extraBigrams = [];
        if (expansion.Terms.Count > 0 && weight > 0)
        {
            var text = Normalize(string.Join(' ', expansion.Terms));
            var own = new HashSet<string>(bigrams, StringComparer.Ordinal);
            extraBigrams = KoreanAnalyzers.Terms(_bigrams, TextBigrams, text).Where(t => !own.Contains(t)).ToList();
            var ownStems = new HashSet<string>(KoreanAnalyzers.Terms(_stems, TextStems, CleanQuery(expansion.Original)), StringComparer.Ordinal);
            Add(TextBigrams, extraBigrams, _options.TextBoost * weight);
            Add(TextStems, KoreanAnalyzers.Terms(_stems, TextStems, text).Where(t => !ownStems.Contains(t)).ToList(), _options.StemBoost * weight);
            Add(SectionBigrams, extraBigrams, _options.SectionBoost * weight);
        }
        if (_answers.DefinedTerms)
        {
            Add(AliasBigrams, bigrams, _answers.AliasBoost);
            Add(AliasBigrams, extraBigrams, _answers.AliasBoost * weight);
        }
        if (expansion.Numbers.Count > 0) Add(Numbers, expansion.Numbers.ToList(), _answers.NumberBoost);
    }

    /// <summary>
    /// A segment's chunk and document ids, read from doc values the first time a doc is a hit and kept with the
    /// segment's core (its docs never change; deletions make new readers over the same core, which share this). Loading stored
    /// fields (compressed blocks with the whole text) per candidate was slow, and decoding two id strings for each of
    /// ~100 candidates per query was ~1% of what a chat turn allocated. Costs a reference per doc of each segment.
    /// Concurrent queries may both fill a slot, with equal ids, so the race is harmless.
    /// </summary>
    private sealed class SegmentIds
    {
        private static readonly ConditionalWeakTable<object, SegmentIds> BySegment = new();
        private readonly Ids?[] _ids;

        private SegmentIds(int maxDoc) => _ids = new Ids?[maxDoc];

        public static Ids Get(AtomicReader reader, int doc)
        {
            if (!BySegment.TryGetValue(reader.CoreCacheKey, out var segment)) segment = Add(reader);
            if (segment._ids[doc] is { } known) return known;
            var bytes = new BytesRef();
            reader.GetBinaryDocValues(IdValues).Get(doc, bytes);
            var chunkId = bytes.Utf8ToString();
            reader.GetBinaryDocValues(DocValues).Get(doc, bytes);
            return segment._ids[doc] = new Ids(chunkId, bytes.Utf8ToString());
        }

        private static SegmentIds Add(AtomicReader reader) => BySegment.GetValue(reader.CoreCacheKey, _ => new SegmentIds(reader.MaxDoc));
    }

    /// <summary>A class, so a slot is published whole.</summary>
    private sealed record Ids(string ChunkId, string DocumentId);

    /// <summary>The Lucene doc of a chunk in this searcher's view, or -1.</summary>
    public static int Find(IndexSearcher searcher, string chunkId)
    {
        var top = searcher.Search(new TermQuery(new Term(Id, chunkId)), 1);
        return top.ScoreDocs.Length == 0 ? -1 : top.ScoreDocs[0].Doc;
    }

    public static SearchHit Load(IndexSearcher searcher, int luceneDoc, double score) => Load(searcher, luceneDoc, score, out _);

    /// <summary>A chunk's stored fields, and the aliases it was indexed with ("" when none).</summary>
    public static SearchHit Load(IndexSearcher searcher, int luceneDoc, double score, out string aliases)
    {
        var d = searcher.Doc(luceneDoc);
        var page = d.GetField(Page)?.GetInt32Value();
        aliases = d.Get(Aliases) ?? "";
        return new SearchHit(d.Get(Id), d.Get(Doc), d.Get(File) ?? "", d.Get(Title) ?? "", d.Get(Section) ?? "", page, score,
            d.Get(Text) ?? "", d.GetValues(Tag));
    }

    /// <summary>The number of chunks whose text contains <paramref name="term"/> (a bigram or a Latin/digit word), looked up
    /// through the same per-view cache as query terms.</summary>
    public int TextDocFreq(IndexSearcher searcher, string term)
        => _termStats.GetValue(searcher.IndexReader, _ => NewTermStatistics(searcher, capacity: 100_000))
            .Get(TextBigrams, term).Context.DocFreq;

    /// <summary>Drops question words (무엇, 누구, 언제, 어디 ...) and punctuation: they match every paragraph that
    /// happens to contain them and none that answers the question.</summary>
    public static string CleanQuery(string query)
    {
        var builder = new StringBuilder(query.Length);
        foreach (var word in KoreanTokens.Words(query))
        {
            if (KoreanTokens.IsQuestionWord(word)) continue;
            builder.Append(word).Append(' ');
        }
        return builder.Length == 0 ? query : builder.ToString();
    }

    /// <summary>A field's distinct query terms (at most <see cref="MaxQueryTerms"/>) that some chunk contains, with their
    /// statistics: a term no chunk contains adds nothing to any score.</summary>
    private static List<(Term Term, TermContext Stats)> Present(TermStatistics stats, string field, List<string> terms)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var present = new List<(Term, TermContext)>();
        foreach (var text in terms)
        {
            if (seen.Count >= MaxQueryTerms) break;
            if (!seen.Add(text)) continue;
            var (term, context) = stats.Get(field, text);
            if (context.DocFreq > 0) present.Add((term, context));
        }
        return present;
    }

    private static void AddTerms(TermStatistics stats, BooleanQuery query, string field, List<string> terms, float boost)
    {
        if (boost <= 0) return;
        foreach (var (term, context) in Present(stats, field, terms))
        {
            var clause = stats.Query(term, context);
            clause.Boost = boost;
            query.Add(clause, Occur.SHOULD);
        }
    }

    /// <summary>The large-corpus form of one field's terms: terms in more than
    /// <see cref="RetrievalOptions.CommonTermFraction"/> of the chunks only add to chunks that match a rarer one; of the
    /// rarer ones the <see cref="RetrievalOptions.MaxRareTermsPerField"/> with the fewest chunks are kept. A long
    /// question's postings then stay bounded, and the terms left out are the ones with the lowest IDF.</summary>
    private void AddRarestTerms(IndexSearcher searcher, TermStatistics stats, BooleanQuery query, string field, List<string> terms, float boost)
    {
        if (boost <= 0) return;
        var commonAbove = (int)(_options.CommonTermFraction * searcher.IndexReader.MaxDoc);
        var present = Present(stats, field, terms);
        var rare = present.Where(t => t.Stats.DocFreq <= commonAbove).ToList();
        var common = present.Where(t => t.Stats.DocFreq > commonAbove).ToList();
        if (rare.Count > _options.MaxRareTermsPerField)
        {
            rare.Sort((a, b) => a.Stats.DocFreq.CompareTo(b.Stats.DocFreq));
            rare.RemoveRange(_options.MaxRareTermsPerField, rare.Count - _options.MaxRareTermsPerField);
        }
        BooleanQuery Disjunction(List<(Term Term, TermContext Stats)> list)
        {
            var q = new BooleanQuery(disableCoord: true);
            foreach (var (term, context) in list) q.Add(stats.Query(term, context), Occur.SHOULD);
            return q;
        }
        if (rare.Count == 0 && common.Count == 0) return;
        BooleanQuery clause;
        if (rare.Count == 0) clause = Disjunction(common);
        else if (common.Count == 0) clause = Disjunction(rare);
        else clause = new BooleanQuery(disableCoord: true) { { Disjunction(rare), Occur.MUST }, { Disjunction(common), Occur.SHOULD } };
        clause.Boost = boost;
        query.Add(clause, Occur.SHOULD);
    }

    /// <summary>The per-segment statistics of query terms in one searcher's view, looked up once and kept for the life
    /// of that view (until the next refresh after a change). Looking a term up in every segment's terms dictionary was the
    /// largest part of a query on a small index, and employees' questions share most of their words.</summary>
    private readonly ConditionalWeakTable<IndexReader, TermStatistics> _termStats = new();

    private TermStatistics NewTermStatistics(IndexSearcher searcher, int capacity)
        => new(searcher.TopReaderContext, capacity, _options.StockLucene.HasFlag(StockLuceneParts.TermQuery));

    /// <summary>With <paramref name="stock"/>, terms are looked up and queried as Lucene does (fresh readers each time).</summary>
    private sealed class TermStatistics(IndexReaderContext context, int capacity, bool stock)
    {
        private readonly ConcurrentDictionary<(string Field, string Text), (Term, TermContext)> _terms = new();

        public (Term Term, TermContext Context) Get(string field, string text)
        {
            if (_terms.TryGetValue((field, text), out var known)) return known;
            var term = new Term(field, text);
            var found = (term, stock ? TermContext.Build(context, term) : PostingsReaders.Statistics(context, term));
            if (_terms.Count < capacity) _terms.TryAdd((field, text), found);
            return found;
        }

        public Query Query(Term term, TermContext states) => stock ? new TermQuery(term, states) : new ReusingTermQuery(term, states);
    }

    /// <summary>The collections filter (what the caller may read) and the tags filter, both applied while Lucene scores:
    /// a chunk outside them is never a candidate, so the top hits are all readable.</summary>
    private static Filter? Filter(IReadOnlyList<string>? tags, IReadOnlySet<long>? collections)
    {
        var tagFilter = TagFilter(tags);
        return collections is null ? tagFilter : new CollectionFilter(collections, tagFilter);
    }

    private static Filter? TagFilter(IReadOnlyList<string>? tags)
    {
        if (tags is null || tags.Count == 0) return null;
        var any = new BooleanQuery();
        foreach (var tag in tags.Distinct(StringComparer.Ordinal))
            any.Add(new TermQuery(new Term(Tag, tag)), Occur.SHOULD);
        return new QueryWrapperFilter(any);
    }

    /// <summary>The chunks whose collection key is in a set, as a bit set per segment view built from the numeric doc
    /// values (one pass over the segment) and kept while that view lives, per set: the users of one permission set share
    /// it, and a move or a new view (a refresh after a write) starts afresh. The tag filter, when there is one, runs
    /// inside it.</summary>
    private sealed class CollectionFilter(IReadOnlySet<long> collections, Filter? inner) : Filter
    {
        private static readonly ConditionalWeakTable<AtomicReader, ConcurrentDictionary<string, FixedBitSet>> Cache = new();
        private readonly string _signature = string.Join(",", collections.Order());

        public override DocIdSet? GetDocIdSet(AtomicReaderContext context, IBits? acceptDocs)
        {
            var reader = context.AtomicReader;
            var sets = Cache.GetValue(reader, _ => new ConcurrentDictionary<string, FixedBitSet>(StringComparer.Ordinal));
            if (!sets.TryGetValue(_signature, out var bits))
            {
                bits = new FixedBitSet(reader.MaxDoc);
                var keys = reader.GetNumericDocValues(CollectionKeys);
                if (keys is null)
                {
                    if (collections.Contains(0)) bits.Set(0, reader.MaxDoc);
                }
                else
                {
                    for (var doc = 0; doc < reader.MaxDoc; doc++)
                        if (collections.Contains(keys.Get(doc))) bits.Set(doc);
                }
                if (sets.Count >= 64) sets.Clear();
                sets[_signature] = bits;
            }
            var allowed = BitsFilteredDocIdSet.Wrap(bits, acceptDocs);
            return inner is null ? allowed : inner.GetDocIdSet(context, allowed?.Bits ?? bits);
        }
    }

    private static Document ToDocument(IndexedChunk chunk, string? aliases)
    {
        var doc = new Document
        {
            new NumericDocValuesField(CollectionKeys, Retrieval.CollectionKeys.Of(chunk.CollectionId)),
            new BinaryDocValuesField(CollectionIds, new BytesRef(chunk.Collection)),
            new StringField(Id, chunk.ChunkId, Field.Store.YES),
            new StringField(Doc, chunk.DocumentId, Field.Store.YES),
            new BinaryDocValuesField(IdValues, new BytesRef(chunk.ChunkId)),
            new BinaryDocValuesField(DocValues, new BytesRef(chunk.DocumentId)),
            new StoredField(File, chunk.FileName),
            new StoredField(Title, chunk.Title),
            new StoredField(Section, chunk.Section),
            new StoredField(Text, chunk.Text),
            new TextField(TextBigrams, Normalize(chunk.Text), Field.Store.NO),
            new TextField(TextUnigrams, Normalize(chunk.Text), Field.Store.NO),
            new TextField(TextTrigrams, Normalize(chunk.Text), Field.Store.NO),
            new TextField(TextStems, Normalize(chunk.Text), Field.Store.NO),
            new TextField(TextPairs, Normalize(chunk.Text), Field.Store.NO),
            new TextField(TitleBigrams, Normalize(chunk.Title), Field.Store.NO),
            new TextField(SectionBigrams, Normalize(chunk.Section), Field.Store.NO),
        };
        if (chunk.Page is { } page) doc.Add(new StoredField(Page, page));
        if (!string.IsNullOrEmpty(aliases))
        {
            doc.Add(new StoredField(Aliases, aliases));
            doc.Add(new TextField(AliasBigrams, Normalize(aliases), Field.Store.NO));
        }
        // Numbers in canonical form (100,000 / 10만원 -> 100000), whatever the setting: switching it needs no reindex.
        var numbers = NumberNormalizer.Tokens(chunk.Section + "\n" + chunk.Text);
        if (numbers.Count > 0) doc.Add(new TextField(Numbers, string.Join(' ', numbers), Field.Store.NO));
        foreach (var tag in chunk.Tags) doc.Add(new StringField(Tag, tag, Field.Store.YES));
        return doc;
    }

    private static string Normalize(string text)
        => text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);

    public void Dispose()
    {
        _searchers.Dispose();
        _writer.Dispose();
        _analyzer.Dispose();
        _directory.Dispose();
    }

    private sealed class MergeNotifier(Action merged) : IndexWriter.IndexReaderWarmer
    {
        public override void Warm(AtomicReader reader) => merged();
    }

    private sealed class Bm25SearcherFactory(Similarity similarity, bool stockStatistics) : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader)
            => stockStatistics ? new IndexSearcher(reader) { Similarity = similarity } : new StatisticsCachingSearcher(reader) { Similarity = similarity };
    }

    /// <summary>A searcher that works out each field's collection statistics once: its reader is a fixed point in time,
    /// and Lucene otherwise sums them over the segments (through fresh merged views) for every term of every query.</summary>
    private sealed class StatisticsCachingSearcher(IndexReader reader) : IndexSearcher(reader)
    {
        private readonly ConcurrentDictionary<string, CollectionStatistics> _fields = new(StringComparer.Ordinal);

        public override CollectionStatistics CollectionStatistics(string field)
            => _fields.TryGetValue(field, out var statistics) ? statistics : _fields[field] = base.CollectionStatistics(field);
    }
}
