using KnowledgeBase.Grains.Retrieval;

namespace KnowledgeBase.Tests.Retrieval;

/// <summary>The large-corpus mode of the lexical query (common terms only score chunks that match a rarer term), forced
/// on a small index.</summary>
public sealed class CommonTermsTests
{
    private static async Task<TempIndex> IndexAsync(bool largeCorpusMode)
    {
        var index = new TempIndex(new RetrievalOptions
        {
            CommonTermsMinChunks = largeCorpusMode ? 0 : int.MaxValue,
            CommonTermFraction = 0.2f,
            // Lexical only: vector candidates would otherwise fill the results whatever the lexical query does.
            VectorWeight = 0f,
        });
        for (var i = 0; i < 40; i++)
            await index.Index.ReplaceDocumentAsync($"doc_{i:00}",
                [TempIndex.Chunk($"doc_{i:00}", 0, $"근로자는 회사의 규정 제{i}조에 따라 업무를 수행한다. 회사는 근로자에게 안내한다.")]);
        await index.Index.ReplaceDocumentAsync("doc_leave",
            [TempIndex.Chunk("doc_leave", 0, "1년간 80퍼센트 이상 출근한 근로자에게 15일의 유급 연차휴가를 주어야 한다.")]);
        return index;
    }

    [Fact]
    public async Task A_question_mixing_common_and_rare_words_finds_the_same_chunk_as_the_exact_query()
    {
        using var exact = await IndexAsync(largeCorpusMode: false);
        using var pruned = await IndexAsync(largeCorpusMode: true);
        const string question = "근로자의 연차휴가는 며칠인가요?";

        var expected = await exact.SearchAsync(question, topK: 3);
        var actual = await pruned.SearchAsync(question, topK: 3);

        Assert.Equal("doc_leave", expected[0].DocumentId);
        Assert.Equal("doc_leave", actual[0].DocumentId);
    }

    [Fact]
    public async Task A_question_made_only_of_common_words_still_returns_chunks()
    {
        using var pruned = await IndexAsync(largeCorpusMode: true);

        var hits = await pruned.SearchAsync("회사 근로자 규정", topK: 5);

        Assert.Equal(5, hits.Count);
        Assert.All(hits, h => Assert.StartsWith("doc_", h.DocumentId));
    }

    [Fact]
    public async Task A_long_question_keeps_its_rarest_words_when_terms_are_capped()
    {
        // Ten notices share the question's everyday words; one chunk holds its rare word. With two terms per field
        // kept, the ones kept must be the rare ones, or that chunk would not match at all.
        using var index = new TempIndex(new RetrievalOptions
        {
            CommonTermsMinChunks = 0,
            CommonTermFraction = 0.5f,
            MaxRareTermsPerField = 2,
            VectorWeight = 0f,
        });
        for (var i = 0; i < 10; i++)
            await index.Index.ReplaceDocumentAsync($"doc_notice_{i}",
                [TempIndex.Chunk($"doc_notice_{i}", 0, $"출근 기록 관리 안내 제{i}호: 출근 기록은 관리 부서가 확인한다.")]);
        for (var i = 0; i < 20; i++)
            await index.Index.ReplaceDocumentAsync($"doc_other_{i}", [TempIndex.Chunk($"doc_other_{i}", 0, $"회사 행사 일정 제{i}호를 알린다.")]);
        await index.Index.ReplaceDocumentAsync("doc_leave", [TempIndex.Chunk("doc_leave", 0, "출근율이 낮아도 배우자출산휴가는 보장된다.")]);

        var hits = await index.SearchAsync("출근 기록 관리 안내에 따라 배우자출산휴가를 쓸 수 있나요?", topK: 3);

        Assert.Equal("doc_leave", hits[0].DocumentId);
    }
}
