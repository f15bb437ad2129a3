using System.Net.Http.Json;
using System.Text.Json;

namespace KnowledgeBase.Tests.Operations;

/// <summary>The query log on a full disk: chat keeps answering, every lost record is counted, and /health/ready says
/// so (Degraded: the pod stays in service).</summary>
public sealed class QueryLogFailureTests
{
    [Fact]
    public async Task Chat_keeps_answering_on_a_full_log_disk_and_ready_reports_the_lost_records()
    {
        await using var api = new ApiFactory();
        // Today's log file is /dev/full: every write fails with "no space left on device".
        Directory.CreateDirectory(api.LogDir);
        File.CreateSymbolicLink(Path.Combine(api.LogDir, $"rag-{DateTime.UtcNow:yyyy-MM-dd}.jsonl"), "/dev/full");
        var admin = await api.CreateAdminAsync();

        for (var i = 0; i < 3; i++)
        {
            var events = await Sse.ReadAllAsync(await admin.Client.SendAsync(Sse.ChatRequest($"연차 유급휴가는 며칠인가요? ({i})"), HttpCompletionOption.ResponseHeadersRead));
            Assert.Equal("done", events[^1].Name);
        }

        JsonElement part = default;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            part = (await admin.Client.GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("parts").GetProperty("query_log");
            if (part.GetProperty("data").GetProperty("failed").GetInt64() >= 3) break;
            await Task.Delay(50);
        }
        Assert.Equal("Degraded", part.GetProperty("status").GetString());
        Assert.Equal(3, part.GetProperty("data").GetProperty("failed").GetInt64());
        Assert.Contains("IOException", part.GetProperty("description").GetString());

        var after = await Sse.ReadAllAsync(await admin.Client.SendAsync(Sse.ChatRequest("휴게시간은 얼마나 주어야 하나요?"), HttpCompletionOption.ResponseHeadersRead));
        Assert.Equal("done", after[^1].Name);
    }
}
