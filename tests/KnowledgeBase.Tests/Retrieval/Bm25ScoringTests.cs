using KnowledgeBase.Grains.Retrieval;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace KnowledgeBase.Tests.Retrieval;

/// <summary>The lexical index's term query must rank and score exactly as Lucene's own TermQuery: it only reuses postings
/// readers. Both are run over the five labour statutes, one paragraph per document.</summary>
public sealed class Bm25ScoringTests
{
    private const float K1 = 1.2f, B = 0.75f;

    private static readonly string[] Questions =
    [
        "연차 유급휴가는 며칠인가요?", "연장근로 가산임금은 얼마인가요?", "육아휴직은 얼마나 쓸 수 있나요?", "퇴직금은 언제까지 지급해야 하나요?",
        "최저임금은 어떻게 정해지나요?", "휴게시간은 얼마나 주어야 하나요?", "해고 예고는 며칠 전에 해야 하나요?", "야간근로 수당은 어떻게 계산하나요?",
        "직장 내 성희롱 예방 교육", "1년 미만 근로자의 연차", "임금 체불 시 지연이자", "여성 근로자의 생리휴가",
    ];

    [Fact]
    public void Term_queries_reading_through_lent_postings_readers_match_Lucenes_term_queries_search_after_search()
    {
        // Several segments (one per statute) and deleted paragraphs, so readers are lent per segment and filter
        // deleted documents; every question runs three times, so the later runs reuse the first run's readers.
        using var index = new RAMDirectory();
        var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, KoreanAnalyzers.Bigrams()) { Similarity = new BM25Similarity(K1, B), MergePolicy = NoMergePolicy.NO_COMPOUND_FILES };
        using (var writer = new IndexWriter(index, config))
        {
            foreach (var file in LaborLawIndexFixture.Files)
            {
                var paragraphs = File.ReadAllText(TestData.LaborLaw(file)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
                for (var i = 0; i < paragraphs.Length; i++)
                    writer.AddDocument(new Document { new StringField("id", $"{file}/{i}", Field.Store.NO), new TextField("text", paragraphs[i], Field.Store.NO) });
                writer.Commit();
            }
            for (var i = 0; i < 200; i += 7) writer.DeleteDocuments(new Term("id", $"{LaborLawIndexFixture.Files[i % 5]}/{i}"));
            writer.Commit();
        }
        using var reader = DirectoryReader.Open(index);
        Assert.True(reader.Leaves.Count >= 5);
        Assert.True(reader.HasDeletions);
        var searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity(K1, B) };

        List<(int, float)> Run(string question, Func<Term, Query> termQuery)
        {
            var query = new BooleanQuery(disableCoord: true);
            foreach (var text in KoreanAnalyzers.Terms(KoreanAnalyzers.Bigrams(), "text", question).Distinct())
                query.Add(termQuery(new Term("text", text)), Occur.SHOULD);
            using (PostingsReaders.Lend()) return searcher.Search(query, 50).ScoreDocs.Select(d => (d.Doc, d.Score)).ToList();
        }

        for (var round = 0; round < 3; round++)
            foreach (var question in Questions)
            {
                var expected = Run(question, term => new TermQuery(term, TermContext.Build(searcher.TopReaderContext, term)));
                Assert.NotEmpty(expected);
                Assert.Equal(expected, Run(question, term => new ReusingTermQuery(term, PostingsReaders.Statistics(searcher.TopReaderContext, term))));
            }
    }

    [Fact]
    public void Term_statistics_from_pooled_readers_equal_Lucenes_in_every_segment()
    {
        using var index = new RAMDirectory();
        var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, KoreanAnalyzers.Bigrams()) { MergePolicy = NoMergePolicy.NO_COMPOUND_FILES };
        using (var writer = new IndexWriter(index, config))
        {
            foreach (var file in LaborLawIndexFixture.Files)
            {
                foreach (var paragraph in File.ReadAllText(TestData.LaborLaw(file)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
                    writer.AddDocument(new Document { new TextField("text", paragraph, Field.Store.NO) });
                writer.Commit();
            }
        }
        using var reader = DirectoryReader.Open(index);
        var top = reader.Context;
        // Every question's terms, some found in one statute only, some nowhere (a term no chunk has, a field no segment has).
        var terms = Questions.SelectMany(q => KoreanAnalyzers.Terms(KoreanAnalyzers.Bigrams(), "text", q)).Distinct()
            .Select(t => new Term("text", t)).Append(new Term("text", "없는낱말")).Append(new Term("title", "연차")).ToList();
        var foundSomewhere = 0;
        for (var round = 0; round < 2; round++) // the second round reads through readers the first returned to the pool
            foreach (var term in terms)
            {
                var expected = TermContext.Build(top, term);
                var actual = PostingsReaders.Statistics(top, term);
                Assert.Equal(expected.DocFreq, actual.DocFreq);
                Assert.Equal(expected.TotalTermFreq, actual.TotalTermFreq);
                foreach (var leaf in top.Leaves)
                    Assert.Equal(expected.Get(leaf.Ord)?.ToString(), actual.Get(leaf.Ord)?.ToString());
                if (expected.DocFreq > 0 && round == 0) foundSomewhere++;
            }
        Assert.True(foundSomewhere > terms.Count / 2);
        Assert.True(top.Leaves.Count >= 5);
    }
}
