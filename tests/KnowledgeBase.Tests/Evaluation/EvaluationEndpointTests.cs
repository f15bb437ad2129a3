using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgeBase.Tests.Evaluation;

/// <summary>Its own api: evaluation turns are charged to the evaluation account, which other tests' company totals
/// would not expect.</summary>
public sealed class EvaluationApiFactory : ApiFactory;

public sealed class EvaluationEndpointTests(EvaluationApiFactory api) : IClassFixture<EvaluationApiFactory>
{
    private const string Golden = """
        {"id":"leave","question":"입사하고 1년 지나면 연차 며칠 받아요?","language":"ko","kind":"how_many","expected_documents":["labor-standards-act.md"],"expected_sections":["제60조"],"expected_phrases":["15일"]}
        {"id":"notice","question":"회사가 해고하려면 며칠 전에 알려야 하나요?","language":"ko","kind":"how_many","expected_documents":["labor-standards-act.md"],"expected_sections":["제26조"],"expected_phrases":["30일"]}
        {"id":"none","question":"사내 헬스장 운영시간이 어떻게 돼요?","language":"ko","no_answer":true}
        """;

    [Fact]
    public async Task Admin_runs_a_golden_set_against_the_live_index_and_reads_its_results_and_history()
    {
        var admin = await api.CreateAdminAsync();
        await Documents.UploadAndWaitAsync(admin.Client, TestData.LaborLaw("labor-standards-act.md"));

        var started = await admin.Client.PostAsync("/api/admin/evaluations?name=smoke", new StringContent(Golden, Encoding.UTF8, "application/jsonl"));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;

        var run = await WaitForRunAsync(admin.Client, runId);
        var summary = run.GetProperty("summary");
        Assert.Equal(("completed", "smoke", 3), (summary.GetProperty("status").GetString(), summary.GetProperty("name").GetString(), summary.GetProperty("questions").GetInt32()));
        var results = run.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!);
        Assert.Equal(3, results.Count);
        // The statute question finds its article among the candidates and the answer quotes the statute.
        Assert.InRange(results["leave"].GetProperty("rank").GetInt32(), 1, 10);
        Assert.Contains("labor-standards-act.md", results["leave"].GetProperty("topSources")[0].GetString());
        Assert.False(string.IsNullOrWhiteSpace(results["leave"].GetProperty("answer").GetString()));
        Assert.True(results["none"].GetProperty("expectsNoAnswer").GetBoolean());
        var totals = summary.GetProperty("totals");
        Assert.Equal((2, 1), (totals.GetProperty("answerable").GetInt32(), totals.GetProperty("unanswerable").GetInt32()));

        var history = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/evaluations");
        Assert.Equal(runId, history[0].GetProperty("runId").GetString());
        Assert.Equal(admin.Email, history[0].GetProperty("startedBy").GetString());
        // Each question was its own conversation of the evaluation account; none is kept.
        var evaluationAccount = api.Services.GetRequiredService<IClusterClient>().GetGrain<IUserSessionGrain>(KnowledgeBase.Grains.Evaluation.EvaluationRunner.EvaluationUserId);
        Assert.Empty(await evaluationAccount.ListConversationsAsync());
    }

    [Fact]
    public async Task Golden_set_sent_as_json_runs_too()
    {
        var admin = await api.CreateAdminAsync();
        var started = await admin.Client.PostAsJsonAsync("/api/admin/evaluations",
            new { name = "json", jsonl = """{"id":"x","question":"Can I bring my dog to the office?","language":"en","no_answer":true}""" });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var run = await WaitForRunAsync(admin.Client, (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!);
        Assert.Equal("json", run.GetProperty("summary").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Invalid_golden_set_is_refused_with_its_line_problems()
    {
        var admin = await api.CreateAdminAsync();
        var response = await admin.Client.PostAsync("/api/admin/evaluations", new StringContent("{\"id\":\"a\",\"question\":\"연차?\"}\nnot json", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invalid_golden_set", problem.GetProperty("type").GetString());
        Assert.Contains("line 1", problem.GetProperty("detail").GetString());
        Assert.Contains("line 2", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_malformed_multipart_golden_set_is_a_400_not_a_500()
    {
        var admin = await api.CreateAdminAsync();
        // A boundary that never closes: the form reader cannot parse the body.
        var body = new StringContent("--kb\r\nContent-Disposition: form-data; name=\"file\"; filename=\"g.jsonl\"\r\n\r\n{\"id\"", Encoding.UTF8);
        body.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=kb");
        var response = await admin.Client.PostAsync("/api/admin/evaluations", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Evaluations_are_for_admins_only()
    {
        var user = await api.CreateUserAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.PostAsync("/api/admin/evaluations", new StringContent(Golden, Encoding.UTF8, "application/jsonl"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync("/api/admin/evaluations")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync("/api/admin/evaluations/eval_123")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.CreateClient().GetAsync("/api/admin/evaluations")).StatusCode);
    }

    [Fact]
    public async Task Unknown_run_is_404()
    {
        var admin = await api.CreateAdminAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.GetAsync("/api/admin/evaluations/eval_000000000000")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.GetAsync("/api/admin/evaluations/..%2Fx")).StatusCode);
    }

    private static async Task<JsonElement> WaitForRunAsync(HttpClient client, string runId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement run = default;
        while (DateTime.UtcNow < deadline)
        {
            run = await client.GetFromJsonAsync<JsonElement>($"/api/admin/evaluations/{runId}");
            if (run.GetProperty("summary").GetProperty("status").GetString() != "running") return run;
            await Task.Delay(50);
        }
        throw new TimeoutException($"evaluation {runId} still running: {run}");
    }
}
