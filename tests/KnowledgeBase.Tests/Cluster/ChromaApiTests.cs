using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgeBase.Grains.Retrieval.Chroma;
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

    private sealed class ChromaApiFactory(string url, string database) : ApiFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["CHROMA_URL"] = url,
            ["CHROMA_TENANT"] = "kb-tests",
            ["CHROMA_DATABASE"] = database,
        };
    }
}
