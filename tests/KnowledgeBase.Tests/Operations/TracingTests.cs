using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace KnowledgeBase.Tests.Operations;

/// <summary>One chat is one trace: the api's request span is the ancestor of the Orleans grain call, retrieval, prompt
/// building, the model call and the grain state writes.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task A_chat_is_one_trace_from_the_api_through_the_grains_to_the_model_and_storage()
    {
        await using var api = new TracingApiFactory();
        var user = await api.CreateUserAsync();
        await Documents.UploadAndWaitAsync(user.Client, TestData.LaborLaw("labor-standards-act.md"));
        var response = await user.Client.SendAsync(Sse.ChatRequest("연차 유급휴가는 며칠인가요?"), HttpCompletionOption.ResponseHeadersRead);
        await Sse.ReadAllAsync(response);

        Activity[] spans;
        Activity? request = null;
        // The request span ends after the response body; give it a moment.
        for (var i = 0; i < 50 && request is null; i++)
        {
            await Task.Delay(100);
            lock (api.Spans) spans = [.. api.Spans];
            request = spans.LastOrDefault(s => s.Kind == ActivityKind.Server && s.DisplayName == "POST /api/chat");
        }
        Assert.NotNull(request);
        lock (api.Spans) spans = api.Spans.Where(s => s.TraceId == request!.TraceId).ToArray();
        var names = spans.Select(s => $"{s.Source.Name}: {s.DisplayName}").ToList();
        string Missing(string what) => $"no {what} span in the chat's trace; it has:\n{string.Join("\n", names)}";

        Assert.True(spans.Any(s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && s.DisplayName.Contains("AskAsync", StringComparison.Ordinal)), Missing("grain call"));
        Assert.True(spans.Any(s => s.DisplayName == "retrieval"), Missing("retrieval"));
        Assert.True(spans.Any(s => s.DisplayName == "prompt.build"), Missing("prompt.build"));
        Assert.True(spans.Any(s => s.Source.Name == "KnowledgeBase" && s.DisplayName.StartsWith("chat", StringComparison.Ordinal)), Missing("model call"));
        Assert.True(spans.Any(s => s.Source.Name == Orleans.Diagnostics.ActivitySources.StorageActivitySourceName), Missing("state write"));
    }

    /// <summary>Tracing is on when an OTLP endpoint is set (here one that accepts nothing); spans are also kept in memory.</summary>
    private sealed class TracingApiFactory : ApiFactory
    {
        public List<Activity> Spans { get; } = [];

        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{FreePort()}",
        };

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(Spans)));
        }
    }
}
