using KnowledgeBase.Grains.Retrieval;

namespace KnowledgeBase.Tests.Retrieval;

/// <summary>The permission filter inside the index: chunks of collections the caller may not read are never candidates,
/// in the lexical and the vector half alike, and a move between collections changes that in place.</summary>
public sealed class CollectionFilterTests : IDisposable
{
    private const string Secret = "col_secret", Open = "col_open";
    private readonly TempIndex _index = new();

    private static IndexedChunk In(string collection, string documentId, int n, string text)
        => TempIndex.Chunk(documentId, n, text) with { CollectionId = collection };

    private async Task FillAsync()
    {
        // The secret chunks match the question better than the open ones, so a post-filter would leave fewer than k.
        for (var d = 0; d < 6; d++)
            await _index.Index.ReplaceDocumentAsync($"doc_s{d}", [.. Enumerable.Range(0, 3).Select(i => In(Secret, $"doc_s{d}", i, $"임원 연봉 테이블 연봉 인상률 기밀 {d}-{i}"))]);
        for (var d = 0; d < 4; d++)
            await _index.Index.ReplaceDocumentAsync($"doc_o{d}", [In(Open, $"doc_o{d}", 0, $"직원 연봉 지급일 안내 {d}")]);
    }

    [Fact]
    public async Task Top_k_holds_k_readable_chunks_when_unreadable_ones_rank_higher()
    {
        await FillAsync();
        var everyone = await _index.SearchAsync("연봉 인상률", topK: 3);
        Assert.All(everyone, h => Assert.StartsWith("doc_s", h.DocumentId));

        var hits = await _index.SearchAsync("연봉 인상률", topK: 3, collections: [Open]);
        Assert.Equal(3, hits.Count);
        Assert.All(hits, h => Assert.Equal(Open, h.CollectionId));
        Assert.Empty(await _index.SearchAsync("연봉 인상률", collections: []));
    }

    [Fact]
    public async Task The_vector_half_filters_by_collection_too()
    {
        await FillAsync();
        var query = TempIndex.Embedder.Embed("임원 연봉 테이블 연봉 인상률 기밀");
        var vectorOnly = await _index.Index.SearchAsync("", query, 5, null, [Open]);
        Assert.NotEmpty(vectorOnly);
        Assert.All(vectorOnly, h => Assert.StartsWith("doc_o", h.DocumentId));
    }

    [Fact]
    public async Task A_moved_document_is_found_only_by_readers_of_its_new_collection_also_after_a_restart()
    {
        await FillAsync();
        Assert.True(await _index.Index.MoveDocumentAsync("doc_s0", Open));
        Assert.Contains(await _index.SearchAsync("연봉 인상률", collections: [Open]), h => h.DocumentId == "doc_s0");
        Assert.DoesNotContain(await _index.SearchAsync("연봉 인상률", topK: 20, collections: [Secret]), h => h.DocumentId == "doc_s0");

        _index.Reopen();
        Assert.Contains(await _index.SearchAsync("연봉 인상률", collections: [Open]), h => h.DocumentId == "doc_s0" && h.CollectionId == Open);
        var vectorOnly = await _index.Index.SearchAsync("", TempIndex.Embedder.Embed("임원 연봉 테이블 연봉 인상률 기밀 0-0"), 10, null, [Secret]);
        Assert.DoesNotContain(vectorOnly, h => h.DocumentId == "doc_s0");
        Assert.False(await _index.Index.MoveDocumentAsync("doc_missing", Open));
    }

    [Fact]
    public async Task Chunks_indexed_without_a_collection_belong_to_the_default_one()
    {
        await _index.Index.ReplaceDocumentAsync("doc_old", [TempIndex.Chunk("doc_old", 0, "구내식당 운영 시간 안내")]);
        Assert.Single(await _index.SearchAsync("구내식당 운영", collections: [DefaultCollection.Id]));
        Assert.Empty(await _index.SearchAsync("구내식당 운영", collections: [Open]));
    }

    public void Dispose() => _index.Dispose();
}
