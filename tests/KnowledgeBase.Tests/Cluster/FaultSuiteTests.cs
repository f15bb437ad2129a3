using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace KnowledgeBase.Tests.Cluster;

/// <summary>Faults the cluster must survive on its own, one at a time, while users chat through both apis. Each asserts
/// what a user would notice: no acknowledged turn lost, the usage shown equal to the usage charged, no 500 and no
/// silent end of an answer, every 503 with a problem `type` and Retry-After, and every user answered again within a
/// bound, with nothing restarted by hand (only exited processes start again, as Kubernetes does). The recovery figures
/// are printed; docs/operations.md keeps them.</summary>
[Collection(FaultSuiteCollection.Name)]
[Trait(Tier.Name, Tier.Full)]
public sealed class FaultSuiteTests(FaultSuiteFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Redis_restarted_empty_while_a_silo_just_died_with_a_new_api_joining_heals_without_the_dead_silo_or_a_restart()
    {
        await fixture.WaitSettledAsync(TimeSpan.FromSeconds(120));
        await using var load = new ChatLoad(fixture.Users);
        await Task.Delay(Warmup);
        // The data is lost 3 s after a silo died, before failure detection declares it dead: every surviving process
        // still has it as active, yet the healed table must not bring it back, and its replacement joins during the outage.
        var victim = await fixture.BusiestSiloAsync();
        var killedAt = DateTime.UtcNow;
        victim.Kill();
        await Task.Delay(TimeSpan.FromSeconds(3));

        var lostAt = DateTime.UtcNow;
        await fixture.Cluster.Redis.RestartEmptyAsync();
        // A process joins while the table is empty: a rescheduled api pod.
        var joining = Stopwatch.StartNew();
        HostProcess newApi;
        try
        {
            newApi = await fixture.Cluster.AddApiAsync(TimeSpan.FromSeconds(120));
        }
        finally
        {
            foreach (var silo in fixture.Cluster.Silos) output.WriteLine($"silo {silo.Pid}:\n{silo.LogTail(15)}");
        }
        var joined = joining.Elapsed;
        var answered = await load.AllAnsweredAfterAsync(lostAt, TimeSpan.FromSeconds(60));

        // The new api serves chat, and every silo is back in the table: ready, and listed in the admin view.
        using var http = new HttpClient { BaseAddress = new Uri(newApi.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = fixture.Users[0].Api(0).DefaultRequestHeaders.Authorization;
        var viaNewApi = await RetryUntilOkAsync(() => http.PostAsJsonAsync("/api/chat", new { question = "연차휴가는 며칠인가요?" }), TimeSpan.FromSeconds(30));
        var listed = await WaitUntilAsync(async () => await ActiveSilosAsync() == 3, TimeSpan.FromSeconds(60));
        var silosReady = await WaitUntilAsync(async () => await ReadySilosAsync() == 3, TimeSpan.FromSeconds(60));
        await load.StopAsync();

        Report($"Redis lost its data {(lostAt - killedAt).TotalSeconds:F1} s after a silo was killed: every user answered {answered.TotalSeconds:F1} s after the loss; a new api joined in {joined.TotalSeconds:F1} s " +
            $"and answered chat {viaNewApi.TotalSeconds:F1} s after that; all 3 silos listed again after {listed.TotalSeconds:F1} s, ready after " +
            $"{silosReady.TotalSeconds:F1} s; {load.Summary()}", load);
        Assert.True(answered < TimeSpan.FromSeconds(30), $"users answered again only {answered.TotalSeconds:F1} s after the loss");
        await AssertNothingLostAsync(load);
    }

    [Fact]
    public async Task A_silo_killed_three_times_in_a_row_costs_only_a_short_failover_each_time()
    {
        var recoveries = new List<double>();
        for (var kill = 1; kill <= 3; kill++)
        {
            await fixture.WaitSettledAsync(TimeSpan.FromSeconds(180));
            await using var load = new ChatLoad(fixture.Users);
            await Task.Delay(Warmup);
            var victim = await fixture.BusiestSiloAsync();
            var killedAt = DateTime.UtcNow;
            victim.Kill();
            var answered = await load.AllAnsweredAfterAsync(killedAt, TimeSpan.FromSeconds(90));
            recoveries.Add(answered.TotalSeconds);
            await Task.Delay(TimeSpan.FromSeconds(1));
            await load.StopAsync();
            Report($"silo SIGKILL {kill}/3: every user answered {answered.TotalSeconds:F1} s after the kill; {load.Summary()}", load);
            await AssertNothingLostAsync(load);
        }
        Assert.All(recoveries, r => Assert.True(r < 60, $"recovery {r:F1} s"));
        Assert.DoesNotContain("too many clients", fixture.Cluster.Postgres.LogText());
    }

    [Fact]
    public async Task A_silo_paused_for_30_s_costs_no_500_and_no_turn_and_every_user_is_answered_again_by_itself()
    {
        await fixture.WaitSettledAsync(TimeSpan.FromSeconds(180));
        await using var load = new ChatLoad(fixture.Users);
        await Task.Delay(Warmup);
        var victim = await fixture.BusiestSiloAsync();
        var pausedAt = DateTime.UtcNow;
        await victim.PauseAsync();
        TimeSpan? declaredDead = null;
        try
        {
            declaredDead = await WaitUntilAsync(async () => await ActiveSilosAsync() == 2, TimeSpan.FromSeconds(29));
        }
        catch (TimeoutException) { }
        var remaining = TimeSpan.FromSeconds(30) - (DateTime.UtcNow - pausedAt);
        if (remaining > TimeSpan.Zero) await Task.Delay(remaining);
        await victim.ResumeAsync();
        var resumedAt = DateTime.UtcNow;
        var gaps = load.LongestGapsSeconds(pausedAt, resumedAt).Order().ToList();
        var answered = await load.AllAnsweredAfterAsync(pausedAt, TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await load.StopAsync();

        Report($"silo SIGSTOP 30 s: declared dead after {declaredDead?.TotalSeconds.ToString("F1") ?? "more than 29"} s; longest wait per user during the pause " +
            $"(s): {string.Join(", ", gaps.Select(g => g.ToString("F1")))} ({gaps.Count(g => g <= 2)} of {gaps.Count} users at most 2 s); every user answered " +
            $"{answered.TotalSeconds:F1} s after the pause began (to a request sent after it); {load.Summary()}", load);
        // The goals (declared dead within 20 s, users on healthy silos waiting at most 2 s) are figures, printed above and
        // kept in docs/operations.md; what must hold is that every user is answered again without anyone restarting anything.
        Assert.True(answered < TimeSpan.FromSeconds(60), $"some user waited {answered.TotalSeconds:F1} s");
        await AssertNothingLostAsync(load);
    }

    [Fact]
    public async Task PostgreSQL_stopped_for_10_s_gives_503_with_retry_after_and_recovers_by_itself()
    {
        await fixture.WaitSettledAsync(TimeSpan.FromSeconds(180));
        await using var load = new ChatLoad(fixture.Users);
        await Task.Delay(Warmup);
        await fixture.Cluster.Postgres.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(10));
        await fixture.Cluster.Postgres.StartAgainAsync();
        var backAt = DateTime.UtcNow;
        var answered = await load.AllAnsweredAfterAsync(backAt, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await load.StopAsync();

        Report($"PostgreSQL stopped 10 s: every user answered {answered.TotalSeconds:F1} s after it returned; {load.Summary()}", load);
        Assert.True(answered < TimeSpan.FromSeconds(20), $"recovery {answered.TotalSeconds:F1} s");
        await AssertNothingLostAsync(load);
    }

    [Fact]
    public async Task Chroma_stopped_for_15_s_gives_503_with_retry_after_and_recovers_by_itself()
    {
        await fixture.WaitSettledAsync(TimeSpan.FromSeconds(180));
        await using var load = new ChatLoad(fixture.Users);
        await Task.Delay(Warmup);
        var chroma = fixture.Cluster.Chroma!;
        chroma.Kill();
        await Task.Delay(TimeSpan.FromSeconds(15));
        await chroma.StartAgainAsync();
        var backAt = DateTime.UtcNow;
        var answered = await load.AllAnsweredAfterAsync(backAt, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await load.StopAsync();

        Report($"Chroma stopped 15 s: every user answered {answered.TotalSeconds:F1} s after it returned; {load.Summary()}", load);
        Assert.True(answered < TimeSpan.FromSeconds(20), $"recovery {answered.TotalSeconds:F1} s");
        await AssertNothingLostAsync(load);
    }

    [Fact]
    public async Task An_api_killed_mid_stream_leaves_no_reservation_or_lost_turn_behind()
    {
        await fixture.WaitSettledAsync(TimeSpan.FromSeconds(180));
        await using var load = new ChatLoad(fixture.Users);
        await Task.Delay(Warmup);
        var killedAt = DateTime.UtcNow;
        fixture.Cluster.Apis[0].Kill();
        var answered = await load.AllAnsweredAfterAsync(killedAt, TimeSpan.FromSeconds(90));
        await fixture.WaitSettledAsync(TimeSpan.FromSeconds(120));
        var restarted = DateTime.UtcNow - killedAt;
        await Task.Delay(TimeSpan.FromSeconds(1));
        await load.StopAsync();

        Report($"api SIGKILL mid-stream: every user answered {answered.TotalSeconds:F1} s after the kill (through either api), the api back in " +
            $"{restarted.TotalSeconds:F1} s; {load.Summary()}", load);
        // Nothing stays reserved for a turn whose api died once Orleans drops its abandoned stream (waited for first).
        await AssertNothingLostAsync(load);
    }

    private void Report(string figures, ChatLoad load)
    {
        output.WriteLine(figures);
        fixture.Figures.Enqueue(figures);
        Assert.True(load.ServerErrors.IsEmpty, "server errors: " + string.Join(" | ", load.ServerErrors.Take(5)));
        Assert.True(load.Unhelpful503s.IsEmpty, "503 without type or Retry-After: " + string.Join(" | ", load.Unhelpful503s.Take(5)));
        Assert.Equal(0, load.SilentEnds);
    }

    /// <summary>Every acknowledged turn is stored, and the tokens charged are exactly the tokens of the stored turns. Turns
    /// still in flight (a stream whose api died is settled when Orleans drops the abandoned enumeration) are waited for:
    /// until then their tokens are held, neither used nor free.</summary>
    private async Task AssertNothingLostAsync(ChatLoad load)
    {
        var settled = await WaitUntilAsync(async () =>
        {
            foreach (var user in fixture.Users)
                if ((await GetAsync(user.Api(1), "/api/auth/me")).GetProperty("budget") is var b &&
                    b.GetProperty("dailyTokens").GetInt64() - b.GetProperty("usedToday").GetInt64() != b.GetProperty("remainingToday").GetInt64())
                    return false;
            return true;
        }, TimeSpan.FromSeconds(150));
        output.WriteLine($"no turn in flight {settled.TotalSeconds:F1} s after the load stopped");
        foreach (var user in fixture.Users)
        {
            var client = user.Api(1);
            var listed = await GetAsync(client, "/api/conversations");
            var stored = new List<JsonElement>();
            foreach (var conversation in listed.EnumerateArray())
            {
                var turns = await GetAsync(client, $"/api/conversations/{conversation.GetProperty("conversationId").GetString()}");
                stored.AddRange(turns.GetProperty("turns").EnumerateArray());
            }
            var storedIds = stored.Select(t => t.GetProperty("messageId").GetString()).ToHashSet();
            var lost = load.Acked[user.UserId].Where(t => !storedIds.Contains(t.MessageId)).Select(t => t.MessageId).ToList();
            Assert.True(lost.Count == 0, $"{user.Email} lost acknowledged turns: {string.Join(", ", lost)}");
            var me = await GetAsync(client, "/api/auth/me");
            var charged = me.GetProperty("budget").GetProperty("usedToday").GetInt64();
            var shown = stored.Sum(t => t.GetProperty("usage").GetProperty("totalTokens").GetInt64());
            var acked = load.Acked[user.UserId].Sum(t => t.Tokens);
            // Charged = what the stored turns cost, a turn caught by a fault between its charge and its store included.
            Assert.True(charged == shown, $"{user.Email}: charged {charged} tokens, its stored turns show {shown}");
            Assert.True(acked <= shown, $"{user.Email}: acknowledged {acked} tokens, stored {shown}");
        }
    }

    /// <summary>A read right after a fault may meet a 503 (retry later, as a client would); anything else fails.</summary>
    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            using var response = await client.GetAsync(path);
            if (response.StatusCode == HttpStatusCode.OK) return await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"{path} still 503 after 30 s");
            await Task.Delay(500);
        }
    }

    private static async Task<TimeSpan> RetryUntilOkAsync(Func<Task<HttpResponseMessage>> send, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await send();
                if (response.IsSuccessStatusCode) return watch.Elapsed;
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { }
            if (watch.Elapsed > timeout) throw new TimeoutException($"no success after {timeout.TotalSeconds} s");
            await Task.Delay(250);
        }
    }

    private static async Task<TimeSpan> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout) throw new TimeoutException($"condition not met after {timeout.TotalSeconds} s");
            await Task.Delay(250);
        }
        return watch.Elapsed;
    }

    /// <summary>Silos the admin view lists as active (asked through either api, briefly: a hung call counts as unknown).</summary>
    private async Task<int> ActiveSilosAsync()
    {
        for (var api = 0; api < 2; api++)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var response = await fixture.Admin.Api(api).GetAsync("/api/admin/cluster", cts.Token);
                Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
                if (response.IsSuccessStatusCode)
                    return (await response.Content.ReadFromJsonAsync<JsonElement>(cts.Token)).GetProperty("silos").GetArrayLength();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { }
        }
        return -1;
    }

    private async Task<int> ReadySilosAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var ready = 0;
        foreach (var silo in fixture.Cluster.Silos)
        {
            try { if ((await http.GetAsync(silo.BaseUrl + "/health/ready")).IsSuccessStatusCode) ready++; }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { }
        }
        return ready;
    }
}
