using KnowledgeBase.Grains.Models;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.AI;

namespace KnowledgeBase.Tests.Retrieval;

public class HybridKnowledgeIndexTests
{
    private static IndexedChunk C(string doc, int i, string text, params string[] tags) => TempIndex.Chunk(doc, i, text, tags: tags);

    [Fact]
    public async Task A_particle_on_the_name_does_not_break_matching()
    {
        using var t = new TempIndex();
        await t.Index.ReplaceDocumentAsync("doc_a", [C("doc_a", 0, "임종석의 학생운동 경력과 전국대학생대표자협의회 의장 활동")]);
        await t.Index.ReplaceDocumentAsync("doc_b", [C("doc_b", 0, "최저임금위원회는 매년 최저임금을 심의하여 의결한다")]);

        var hits = await t.SearchAsync("임종석이 의장을 맡은 단체는?");

        Assert.Equal("doc_a", hits[0].DocumentId);
        Assert.Equal("doc_a_0000", hits[0].ChunkId);
        Assert.Contains("학생운동", hits[0].Text);
    }

    [Fact]
    public async Task Tag_filter_keeps_chunks_with_any_requested_tag()
    {
        using var t = new TempIndex();
        await t.Index.ReplaceDocumentAsync("doc_hr", [C("doc_hr", 0, "연차 유급휴가 신청 절차 안내", "hr-policy", "vacation")]);
        await t.Index.ReplaceDocumentAsync("doc_it", [C("doc_it", 0, "연차 유급휴가 시스템 장애 대응 절차", "it")]);

        var vacation = await t.SearchAsync("연차 유급휴가 절차", tags: ["vacation", "finance"]);
        var unfiltered = await t.SearchAsync("연차 유급휴가 절차");
        var none = await t.SearchAsync("연차 유급휴가 절차", tags: ["legal"]);

        Assert.Equal(["doc_hr"], vacation.Select(h => h.DocumentId).Distinct());
        Assert.Equal(["hr-policy", "vacation"], vacation[0].Tags.Order());
        Assert.Equal(2, unfiltered.Select(h => h.DocumentId).Distinct().Count());
        Assert.Empty(none);
    }

    [Fact]
    public async Task At_most_three_chunks_per_document_unless_only_one_document_matches()
    {
        using var t = new TempIndex();
        var big = Enumerable.Range(0, 8).Select(i => C("doc_big", i, $"퇴직금 중간정산 사유 {i}번째 조항: 퇴직금 중간정산은 주택 구입 시 가능")).ToList();
        await t.Index.ReplaceDocumentAsync("doc_big", big);
        await t.Index.ReplaceDocumentAsync("doc_small", [C("doc_small", 0, "퇴직금 지급 기한은 14일 이내")]);

        var mixed = await t.SearchAsync("퇴직금 중간정산 사유");
        Assert.Equal(3, mixed.Count(h => h.DocumentId == "doc_big"));
        Assert.Contains(mixed, h => h.DocumentId == "doc_small");

        await t.Index.DeleteDocumentAsync("doc_small");
        var single = await t.SearchAsync("퇴직금 중간정산 사유");
        Assert.Equal(8, single.Count);
    }

    [Fact]
    public async Task Replace_removes_old_chunks_and_delete_removes_the_document()
    {
        using var t = new TempIndex();
        await t.Index.ReplaceDocumentAsync("doc_r", [C("doc_r", 0, "구 규정: 출장비는 일비 2만원"), C("doc_r", 1, "구 규정: 숙박비 실비")]);
        Assert.Equal(2, t.Index.ChunkCount);

        await t.Index.ReplaceDocumentAsync("doc_r", [C("doc_r", 0, "신 규정: 출장비는 일비 3만원")]);
        var hits = await t.SearchAsync("출장비 일비 숙박비");
        Assert.Single(hits);
        Assert.Contains("3만원", hits[0].Text);
        Assert.Equal(1, t.Index.ChunkCount);

        await t.Index.DeleteDocumentAsync("doc_r");
        Assert.Empty(await t.SearchAsync("출장비 일비 숙박비"));
        Assert.Equal(0, t.Index.ChunkCount);
    }

    [Fact]
    public async Task A_concurrent_search_never_sees_old_and_new_chunks_mixed()
    {
        using var t = new TempIndex();
        const int chunks = 6;
        List<IndexedChunk> Version(int v) => Enumerable.Range(0, chunks)
            .Select(i => C("doc_v", i, $"회사 보안 규정 개정판 v{v} 제{i}항 보안 규정 준수")).ToList();
        await t.Index.ReplaceDocumentAsync("doc_v", Version(0));

        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var v = 1; v <= 40; v++) await t.Index.ReplaceDocumentAsync("doc_v", Version(v));
            stop.Cancel();
        });
        var searches = 0;
        var seenVersions = new HashSet<string>();
        while (!stop.IsCancellationRequested || searches == 0)
        {
            var hits = await t.SearchAsync("회사 보안 규정 준수", topK: 20);
            var versions = hits.Select(h => h.Text.Split(' ')[4]).Distinct().ToList();
            Assert.Equal(chunks, hits.Count);
            Assert.Single(versions);
            seenVersions.Add(versions[0]);
            searches++;
        }
        await writer;
        Assert.True(seenVersions.Count > 1, $"the loop should observe several versions (saw {seenVersions.Count} in {searches} searches)");
        Assert.Contains("v40", (await t.SearchAsync("회사 보안 규정 준수"))[0].Text);
    }

    [Fact]
    public async Task Reopening_the_data_dir_gives_identical_results_without_re_embedding()
    {
        using var t = new TempIndex();
        var embedder = new HashingEmbeddingGenerator();
        var texts = new[]
        {
            "근로자가 퇴직한 경우에는 그 지급 사유가 발생한 때부터 14일 이내에 퇴직금을 지급하여야 한다",
            "사용자는 1년간 80퍼센트 이상 출근한 근로자에게 15일의 유급휴가를 주어야 한다",
            "사업주는 근로자가 육아휴직을 신청하는 경우에 이를 허용하여야 한다",
        };
        for (var i = 0; i < texts.Length; i++)
        {
            var vector = (await embedder.GenerateAsync([texts[i]]))[0].Vector;
            await t.Index.ReplaceDocumentAsync($"doc_{i}", [new IndexedChunk($"doc_{i}_0000", $"doc_{i}", "f.txt", "규정", "", 3, texts[i], ["hr"], vector)]);
        }
        var retriever = new HybridRetriever(t.Index, embedder);
        var before = await retriever.RetrieveAsync("유급휴가는 며칠", 10, null, null);
        // Vector-only search proves the vectors themselves were reloaded, not only the Lucene index.
        var vectorOnly = await t.Index.SearchAsync("", embedder.Embed("유급휴가는 며칠"), 10, null, null);
        var embeddedBefore = embedder.EmbeddedCount;

        t.Reopen();
        retriever = new HybridRetriever(t.Index, embedder);
        var after = await retriever.RetrieveAsync("유급휴가는 며칠", 10, null, null);
        var vectorOnlyAfter = await t.Index.SearchAsync("", embedder.Embed("유급휴가는 며칠"), 10, null, null);

        Assert.Equal(embeddedBefore + 1, embedder.EmbeddedCount);
        Assert.Equal(3, t.Index.ChunkCount);
        Assert.Equal("doc_1", before[0].DocumentId);
        Assert.Equal(before.Select(h => (h.ChunkId, h.Score, h.Page, h.Section)), after.Select(h => (h.ChunkId, h.Score, h.Page, h.Section)));
        Assert.Equal(3, vectorOnly.Count);
        Assert.Equal(vectorOnly.Select(h => (h.ChunkId, h.Score)), vectorOnlyAfter.Select(h => (h.ChunkId, h.Score)));
    }
}
