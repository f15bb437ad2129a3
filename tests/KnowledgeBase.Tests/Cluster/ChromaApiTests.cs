using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgeBase.Grains.Retrieval.Chroma;
using KnowledgeBase.Tests.Api;
using Xunit.Abstractions;

namespace KnowledgeBase.Tests.Cluster;

/// <summary>The api with CHROMA_URL set: vectors go to ChromaDB, text comes from the local lexical index.</summary>
[Trait(Tier.Name, Tier.Full)]
public sealed class ChromaApiTests(ChromaFixture chroma, ITestOutputHelper output) : IClassFixture<ChromaFixture>
{
    [Fact]
    public async Task Search_and_chat_find_the_statute_with_vectors_in_chroma_and_delete_removes_them()
    {
        var database = "kb-" + Guid.NewGuid().ToString("N")[..8];
        await using var api = new ChromaApiFactory(chroma.Server.Url, database);
        var user = await api.CreateUserAsync();
        var id = await Documents.UploadAndWaitAsync(user.Client, TestData.LaborLaw("labor-standards-act.md"), "hr-policy");
        var info = await user.Client.GetFromJsonAsync<JsonElement>($"/api/documents/{id}");

        var client = ChromaFixture.Client(chroma.Server.Url);
        var collection = await client.GetOrCreateCollectionAsync("kb-tests", database, "knowledge_base");
        var stored = await client.GetAsync(collection, where: ChromaWhere.Eq("document_id", id));
        Assert.Equal(info.GetProperty("chunkCount").GetInt32(), stored.Count);
        Assert.All(stored, r => Assert.Equal(true, r.Metadata["tag:hr-policy"]));

        var watch = Stopwatch.StartNew();
        var search = await user.Client.PostAsJsonAsync("/api/search", new { query = "연차 유급휴가는 며칠인가요?", topK = 5, tags = new[] { "hr-policy" } });
        output.WriteLine($"first search with Chroma: {watch.ElapsedMilliseconds} ms");
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        var results = (await search.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray().ToList();
        Assert.Contains("제60조", results[0].GetProperty("section").GetString());
        Assert.Contains("유급휴가", results[0].GetProperty("text").GetString());

        watch.Restart();
        const int repeats = 20;
        for (var i = 0; i < repeats; i++)
            (await user.Client.PostAsJsonAsync("/api/search", new { query = $"연장근로 가산임금 {i}", topK = 5 })).EnsureSuccessStatusCode();
        output.WriteLine($"search through the api with Chroma: {watch.Elapsed.TotalMilliseconds / repeats:F1} ms each");

        var otherTag = await user.Client.PostAsJsonAsync("/api/search", new { query = "연차 유급휴가", topK = 5, tags = new[] { "finance" } });
        Assert.Empty((await otherTag.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray());

        var chat = await user.Client.PostAsJsonAsync("/api/chat", new { question = "연장근로에 대한 가산임금은 얼마인가요?" });
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Contains("100분의 50", (await chat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("answer").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.DeleteAsync($"/api/documents/{id}")).StatusCode);
        Assert.Empty(await client.GetAsync(collection, where: ChromaWhere.Eq("document_id", id)));
    }

    [Fact]
    public async Task Search_and_chat_answer_503_problem_details_while_chroma_is_down()
    {
        var own = await NodeServer.StartChromaAsync();
        await using var api = new ChromaApiFactory(own.Url, "kb-down");
        var user = await api.CreateUserAsync();
        await own.DisposeAsync();

        var search = await user.Client.PostAsJsonAsync("/api/search", new { query = "연차 유급휴가", topK = 5 });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, search.StatusCode);
        Assert.Equal("application/problem+json", search.Content.Headers.ContentType?.MediaType);
        Assert.Equal("vector_store_unavailable", (await search.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.NotNull(search.Headers.RetryAfter);

        var chat = await user.Client.PostAsJsonAsync("/api/chat", new { question = "연차 유급휴가는 며칠인가요?" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, chat.StatusCode);
        Assert.Equal("vector_store_unavailable", (await chat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
    }

    /// <summary>With vectors in Chroma, a restricted collection's chunks carry its id in their metadata, the vector half
    /// filters by it in `where`, and moves rewrite it in place: a member never gets the text, through search or chat, while
    /// the document goes back and forth; readers always find it.</summary>
    [Fact]
    public async Task Chroma_filters_by_the_callers_collections_and_follows_moves()
    {
        var database = "kb-" + Guid.NewGuid().ToString("N")[..8];
        await using var api = new ChromaApiFactory(chroma.Server.Url, database, uploadPolicy: "editors");
        var admin = await api.CreateAdminAsync();
        var member = await api.CreateUserAsync();
        var closed = await PermissionFixture.CreateCollectionAsync(admin, "기밀", new { everyone = false }, new { users = Array.Empty<string>() });
        const string mark = "CHROMASECRET3141", question = "합병 협상 확인코드는 무엇인가요?";
        var secret = await PermissionFixture.UploadAsync(admin, closed, "merger.md", $"# 합병 협상\n\n합병 협상 확인코드는 {mark} 이다. 협상 대상은 비공개이다.");
        await PermissionFixture.UploadAsync(admin, DefaultCollection.Id, "notice.md", "# 사내 공지\n\n합병 관련 문의는 경영지원팀으로 한다.");

        var client = ChromaFixture.Client(chroma.Server.Url);
        var collection = await client.GetOrCreateCollectionAsync("kb-tests", database, "knowledge_base");
        async Task<string?> StoredCollection() => (await client.GetAsync(collection, where: ChromaWhere.Eq("document_id", secret)))
            .Select(r => r.Metadata[ChromaVectorStore.CollectionKey] as string).Distinct().Single();
        Assert.Equal(closed, await StoredCollection());

        var location = closed;
        for (var step = 0; step < 6; step++)
        {
            var readable = location == DefaultCollection.Id;
            var search = await (await member.Client.PostAsJsonAsync("/api/search", new { query = question, topK = 10 })).Content.ReadAsStringAsync();
            var chat = await (await member.Client.PostAsJsonAsync("/api/chat", new { question })).Content.ReadAsStringAsync();
            Assert.True(readable == search.Contains(mark), $"step {step}: member search, readable={readable}");
            Assert.True(readable || !chat.Contains(mark), $"step {step}: member chat leaked");
            Assert.Contains(mark, await (await admin.Client.PostAsJsonAsync("/api/search", new { query = question, topK = 10 })).Content.ReadAsStringAsync());

            location = readable ? closed : DefaultCollection.Id;
            Assert.Equal(HttpStatusCode.OK, (await admin.Client.PutAsJsonAsync($"/api/documents/{secret}/collection", new { collectionId = location })).StatusCode);
            Assert.Equal(location, await StoredCollection());
        }
    }

    [Fact]
    public async Task Vectors_stored_before_collections_existed_join_the_default_collection()
    {
        var database = "kb-" + Guid.NewGuid().ToString("N")[..8];
        var client = ChromaFixture.Client(chroma.Server.Url);
        await client.EnsureTenantAsync("kb-tests");
        await client.EnsureDatabaseAsync("kb-tests", database);
        var collection = await client.GetOrCreateCollectionAsync("kb-tests", database, "knowledge_base");
        await client.UpsertAsync(collection, [new ChromaRecord("doc_old_0000", new float[] { 1, 0, 0 }, new Dictionary<string, object> { ["document_id"] = "doc_old" })]);
        var store = new ChromaVectorStore(client, new ChromaOptions(new Uri(chroma.Server.Url), "kb-tests", database, "knowledge_base"),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ChromaVectorStore>.Instance);

        Assert.Equal(1, await store.BackfillCollectionsAsync(CancellationToken.None));
        Assert.Equal(DefaultCollection.Id, (await client.GetAsync(collection, ids: ["doc_old_0000"]))[0].Metadata[ChromaVectorStore.CollectionKey]);
        Assert.Single(await store.SearchAsync(new float[] { 1, 0, 0 }, null, [DefaultCollection.Id], 5));
        Assert.Empty(await store.SearchAsync(new float[] { 1, 0, 0 }, null, ["col_other"], 5));
    }

    private sealed class ChromaApiFactory(string url, string database, string uploadPolicy = "everyone") : ApiFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["CHROMA_URL"] = url,
            ["CHROMA_TENANT"] = "kb-tests",
            ["CHROMA_DATABASE"] = database,
            ["UPLOAD_POLICY"] = uploadPolicy,
        };
    }
}
