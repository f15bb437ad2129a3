using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace KnowledgeBase.Tests.Cluster;

/// <summary>The product as it runs in production: three silo processes and two api processes over Redis, PostgreSQL,
/// ChromaDB and S3 (s3rver). Every request goes over real HTTP to a real api process.</summary>
[Collection(ProcessClusterCollection.Name)]
[Trait(Tier.Name, Tier.Full)]
public sealed class ProcessClusterTests(ProcessClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Sign_up_chat_and_upload_work_through_either_api_with_grains_spread_over_silos()
    {
        var user = await fixture.SignUpAsync();

        // A conversation started over SSE on one api continues as JSON on the other.
        using var stream = await user.Api(0).SendAsync(Sse.ChatRequest("연차 유급휴가는 며칠인가요?"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        var events = await Sse.ReadAllAsync(stream);
        Assert.Equal("meta", events[0].Name);
        Assert.Equal("done", events[^1].Name);
        Assert.NotEmpty(Sse.Answer(events));
        var conversationId = events[0].Data.GetProperty("conversationId").GetString();
        var second = await user.Api(1).PostAsJsonAsync("/api/chat", new { question = "그럼 1년 미만이면요?", conversationId });
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(conversationId, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conversationId").GetString());
        var history = await user.Api(0).GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}");
        Assert.Equal(2, history.GetProperty("turns").GetArrayLength());

        // A file uploaded through one api is stored in S3, ingested on some silo and served back by the other api.
        var path = TestData.LaborLaw("minimum-wage-act.md");
        var documentId = await UploadAsync(user, 1, path);
        await Documents.WaitForStatusAsync(user.Api(0), documentId, "ready");
        Assert.Equal(await File.ReadAllBytesAsync(path), await user.Api(0).GetByteArrayAsync($"/api/documents/{documentId}/content"));

        // Sessions of many users are placed over more than one silo, as the admin view shows.
        var others = await fixture.SignUpManyAsync(12);
        await Task.WhenAll(others.Select((u, i) => u.Api(i).GetAsync("/api/auth/me")));
        var admin = await fixture.AdminAsync();
        var view = await ProcessClusterFixture.ClusterViewAsync(admin, 1);
        output.WriteLine(view.ToString());
        var sessionsPerSilo = view.GetProperty("silos").EnumerateArray()
            .Select(s => s.GetProperty("activationsByGrain").TryGetProperty("UserSessionGrain", out var n) ? n.GetInt32() : 0).ToList();
        Assert.True(sessionsPerSilo.Count >= 2, $"active silos: {sessionsPerSilo.Count}");
        Assert.True(sessionsPerSilo.Count(n => n > 0) >= 2, "user sessions on one silo only: " + string.Join(",", sessionsPerSilo));
        Assert.True(sessionsPerSilo.Sum() >= 13, $"sessions: {sessionsPerSilo.Sum()}");
    }

    [Fact]
    public async Task Admin_cluster_view_is_for_admins_only()
    {
        var user = await fixture.SignUpAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Api(0).GetAsync("/api/admin/cluster")).StatusCode);
        using var anonymous = fixture.Anonymous(1);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/admin/cluster")).StatusCode);
    }

    /// <summary>Depends on cross-silo index replication (feat/chroma): each silo's index must pick up chunks that
    /// another silo ingested. Searches go to the silo each api's gateway picks, so every api is asked several times.</summary>
    [Fact]
    public async Task Document_uploaded_through_one_api_is_found_through_both_within_5_s()
    {
        var user = await fixture.SignUpAsync();
        var documentId = await UploadAsync(user, 0, TestData.LaborLaw("retirement-benefit-act.md"));
        await Documents.WaitForStatusAsync(user.Api(0), documentId, "ready");

        var watch = Stopwatch.StartNew();
        var missing = new List<int>();
        var searches = 0;
        do
        {
            missing.Clear();
            for (var api = 0; api < fixture.ApiCount; api++)
                for (var attempt = 0; attempt < 6; attempt++, searches++)
                    if (!await FindsAsync(user.Api(api), "퇴직금제도의 설정 계속근로기간 30일분 평균임금", documentId)) missing.Add(api);
            if (missing.Count == 0) break;
            await Task.Delay(200);
        } while (watch.Elapsed < TimeSpan.FromSeconds(5));
        Assert.True(missing.Count == 0, $"not found through api {string.Join(",", missing.Distinct())} {watch.Elapsed.TotalSeconds:F1} s " +
            $"after ingestion; the last round missed {missing.Count} of {fixture.ApiCount * 6} searches ({searches} in all)");
    }

    [Fact]
    public async Task Two_hundred_concurrent_requests_over_both_apis_never_overspend_the_budget()
    {
        var admin = await fixture.AdminAsync();
        var user = await fixture.SignUpAsync();
        // Each turn reserves its worst case (~9k tokens with the default context size) and costs a few hundred.
        const long budget = 20_000;
        var set = await admin.Api(0).PutAsJsonAsync($"/api/admin/users/{user.UserId}/budget",
            new { dailyTokens = budget, monthlyTokens = budget * 10, requestsPerMinute = 100_000 });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var response = await user.Api(i).PostAsJsonAsync("/api/chat", new { question = $"연장근로 가산임금은 얼마인가요? ({i})" });
            return ((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
        }));

        var answered = responses.Where(r => r.Item1 == 200).Select(r => r.Item2.GetProperty("usage").GetProperty("totalTokens").GetInt64()).ToList();
        var refused = responses.Where(r => r.Item1 != 200).ToList();
        output.WriteLine($"answered {answered.Count}, charged {answered.Sum()} of {budget}; refused {refused.Count}");
        Assert.NotEmpty(answered);
        Assert.NotEmpty(refused);
        Assert.All(refused, r =>
        {
            Assert.Equal(429, r.Item1);
            Assert.Equal("budget_exhausted", r.Item2.GetProperty("type").GetString());
        });
        Assert.True(answered.Sum() <= budget, $"charged {answered.Sum()} > budget {budget}");

        // The grain's own total agrees with what the answers said they cost, through either api.
        for (var api = 0; api < fixture.ApiCount; api++)
        {
            var me = await user.Api(api).GetFromJsonAsync<JsonElement>("/api/auth/me");
            Assert.Equal(answered.Sum(), me.GetProperty("budget").GetProperty("usedToday").GetInt64());
            Assert.Equal(budget, me.GetProperty("budget").GetProperty("dailyTokens").GetInt64());
        }
    }

    /// <summary>SIGKILL of the silo hosting most sessions while users chat over both apis. Turns in flight on it may
    /// fail (never acknowledged), but every turn that reached `done`, every uploaded document and every charged token
    /// survives, and the same users carry on on the surviving silos.</summary>
    [Fact]
    public async Task Killing_a_silo_during_chat_load_loses_no_acknowledged_turn_document_or_budget()
    {
        var admin = await fixture.AdminAsync();
        var users = await fixture.SignUpManyAsync(12);
        foreach (var user in users)
        {
            var set = await admin.Api(0).PutAsJsonAsync($"/api/admin/users/{user.UserId}/budget",
                new { dailyTokens = 5_000_000, monthlyTokens = 50_000_000, requestsPerMinute = 100_000 });
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }
        var documents = new List<string>();
        foreach (var (file, i) in new[] { "equal-employment-act.md", "labor-standards-decree.md" }.Select((f, i) => (f, i)))
            documents.Add(await UploadAsync(users[i], i, TestData.LaborLaw(file)));

        var turns = new ConcurrentDictionary<string, ConcurrentBag<AckedTurn>>();
        var succeededAfterKill = new ConcurrentDictionary<string, bool>();
        var failures = new ConcurrentBag<double>();
        var refusals = new ConcurrentBag<int>();
        var killedAt = DateTime.MaxValue;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(100));

        var load = Task.WhenAll(users.Select((user, u) => Task.Run(async () =>
        {
            var acked = turns.GetOrAdd(user.UserId, _ => []);
            string? conversationId = null;
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var started = Stopwatch.GetTimestamp();
                var turn = await TryAskAsync(user.Api(u + n), $"휴게시간은 얼마나 주어야 하나요? ({u}-{n})", conversationId, streaming: n % 2 == 0,
                    refusals, stop.Token);
                if (turn is null)
                {
                    failures.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
                    await Task.Delay(100);
                    continue;
                }
                acked.Add(turn);
                conversationId = turn.ConversationId;
                if (DateTime.UtcNow > killedAt) succeededAfterKill[user.UserId] = true;
                if (n % 5 == 4) conversationId = null;
            }
        })));

        // Let the load run, then kill the silo that hosts the most of these users' sessions.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var victim = await BusiestSiloAsync(admin);
        var before = turns.Values.Sum(t => t.Count);
        killedAt = DateTime.UtcNow;
        victim.Kill();
        output.WriteLine($"killed silo pid {victim.Pid} after {before} acknowledged turns");

        // Every user must get answers again from the survivors.
        var recovery = Stopwatch.StartNew();
        while (succeededAfterKill.Count < users.Length && !stop.IsCancellationRequested) await Task.Delay(100);
        output.WriteLine($"all users answered again {recovery.Elapsed.TotalSeconds:F1} s after the kill; failed requests: {failures.Count} " +
            $"(HTTP {string.Join(",", refusals.Distinct())}), " +
            $"the slowest failed after {(failures.IsEmpty ? 0 : failures.Max()):F1} s");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await stop.CancelAsync();
        await load;
        Assert.Equal(users.Length, succeededAfterKill.Count);
        // A request caught by the kill is a 503 the client may retry, never a 500.
        Assert.All(refusals, status => Assert.Equal(503, status));

        var view = await ProcessClusterFixture.ClusterViewAsync(admin, 1);
        Assert.Equal(fixture.Cluster.Silos.Count(s => !s.HasExited), view.GetProperty("silos").GetArrayLength());

        foreach (var user in users)
        {
            var acked = turns[user.UserId].ToList();
            var listed = (await user.Api(1).GetFromJsonAsync<JsonElement>("/api/conversations")).EnumerateArray()
                .Select(c => c.GetProperty("conversationId").GetString()!).ToList();
            Assert.Subset(listed.ToHashSet(), acked.Select(t => t.ConversationId).ToHashSet());
            var stored = new List<JsonElement>();
            foreach (var conversationId in listed)
            {
                var conversation = await user.Api(1).GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}");
                stored.AddRange(conversation.GetProperty("turns").EnumerateArray());
            }
            var storedIds = stored.Select(t => t.GetProperty("messageId").GetString()).ToHashSet();
            var lost = acked.Where(t => !storedIds.Contains(t.MessageId)).Select(t => t.MessageId).ToList();
            Assert.True(lost.Count == 0, $"{user.Email} lost acknowledged turns: {string.Join(", ", lost)}");

            // Charged = what the acknowledged turns cost, plus at most turns that were stored but never acknowledged.
            var me = await user.Api(0).GetFromJsonAsync<JsonElement>("/api/auth/me");
            var used = me.GetProperty("budget").GetProperty("usedToday").GetInt64();
            var ackedTokens = acked.Sum(t => t.Tokens);
            var storedTokens = stored.Sum(t => t.GetProperty("usage").GetProperty("totalTokens").GetInt64());
            Assert.InRange(used, ackedTokens, storedTokens);
            Assert.Equal(5_000_000, me.GetProperty("budget").GetProperty("dailyTokens").GetInt64());
        }

        // Documents uploaded before the kill are still there and still served, through both apis.
        foreach (var id in documents)
            for (var api = 0; api < fixture.ApiCount; api++)
            {
                var info = await Documents.WaitForStatusAsync(users[0].Api(api), id, "ready");
                Assert.Equal(id, info.GetProperty("documentId").GetString());
                Assert.True((await users[0].Api(api).GetAsync($"/api/documents/{id}/content")).IsSuccessStatusCode);
            }
    }

    private sealed record AckedTurn(string ConversationId, string MessageId, long Tokens);

    private async Task<HostProcess> BusiestSiloAsync(ClusterUser admin)
    {
        var processes = await fixture.SilosByAddressAsync();
        var view = await ProcessClusterFixture.ClusterViewAsync(admin);
        var busiest = view.GetProperty("silos").EnumerateArray()
            .OrderByDescending(s => s.GetProperty("activationsByGrain").TryGetProperty("UserSessionGrain", out var n) ? n.GetInt32() : 0)
            .First().GetProperty("address").GetString()!;
        return processes[busiest];
    }

    /// <summary>One chat turn; the turn's ids and cost when `done` arrived, null when the request failed in any way.</summary>
    private static async Task<AckedTurn?> TryAskAsync(HttpClient client, string question, string? conversationId, bool streaming,
        ConcurrentBag<int> refusals, CancellationToken cancellationToken)
    {
        try
        {
            if (!streaming)
            {
                using var response = await client.PostAsJsonAsync("/api/chat", new { question, conversationId }, cancellationToken);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    refusals.Add((int)response.StatusCode);
                    return null;
                }
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                return new AckedTurn(body.GetProperty("conversationId").GetString()!, body.GetProperty("messageId").GetString()!,
                    body.GetProperty("usage").GetProperty("totalTokens").GetInt64());
            }
            using var request = Sse.ChatRequest(question, conversationId);
            using var streamed = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (streamed.StatusCode != HttpStatusCode.OK)
            {
                refusals.Add((int)streamed.StatusCode);
                return null;
            }
            var events = await Sse.ReadAllAsync(streamed);
            if (events.Count == 0 || events[0].Name != "meta" || events[^1].Name != "done") return null;
            var meta = events[0].Data;
            return new AckedTurn(meta.GetProperty("conversationId").GetString()!, meta.GetProperty("messageId").GetString()!,
                events[^1].Data.GetProperty("usage").GetProperty("totalTokens").GetInt64());
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    private static async Task<string> UploadAsync(ClusterUser user, int api, string path)
    {
        var response = await Documents.UploadAsync(user.Api(api), Path.GetFileName(path), await File.ReadAllBytesAsync(path));
        Assert.True(response.IsSuccessStatusCode, $"upload {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString()!;
    }

    private static async Task<bool> FindsAsync(HttpClient client, string query, string documentId)
    {
        var response = await client.PostAsJsonAsync("/api/search", new { query, topK = 10 });
        if (!response.IsSuccessStatusCode) return false;
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("results").EnumerateArray().Any(h => h.GetProperty("documentId").GetString() == documentId);
    }
}
