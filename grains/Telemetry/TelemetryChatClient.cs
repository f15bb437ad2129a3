using KnowledgeBase.Grains.Accounting;
using KnowledgeBase.Grains.Models;
using Microsoft.Extensions.AI;

namespace KnowledgeBase.Grains.Telemetry;

/// <summary>Counts the tokens every model answer used, and their cost at the price table's rates, per model. Sits at
/// the model boundary, so cached answers (which call no model) cost nothing here either. Also times each call.</summary>
public sealed class TelemetryChatClient(IChatClient inner, PriceTable prices) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var response = await base.GetResponseAsync(messages, options, cancellationToken);
        Record(response.ModelId, response.Usage, started);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        string? model = null;
        UsageDetails? usage = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            model ??= update.ModelId;
            if (ChatUpdates.UsageOf(update) is { } details) usage = details;
            yield return update;
        }
        Record(model, usage, started);
    }

    private void Record(string? responseModel, UsageDetails? usage, long started)
    {
        var model = responseModel ?? this.GetService<ChatClientMetadata>()?.DefaultModelId ?? "unknown";
        KnowledgeBaseTelemetry.ModelDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, KnowledgeBaseTelemetry.Tag("model", model));
        if (usage is null) return;
        var input = usage.InputTokenCount ?? 0;
        var output = usage.OutputTokenCount ?? 0;
        var modelTag = KnowledgeBaseTelemetry.Tag("model", model);
        KnowledgeBaseTelemetry.ModelTokens.Add(input, modelTag, KnowledgeBaseTelemetry.Tag("type", "input"));
        KnowledgeBaseTelemetry.ModelTokens.Add(output, modelTag, KnowledgeBaseTelemetry.Tag("type", "output"));
        KnowledgeBaseTelemetry.ModelCost.Add((double)prices.Cost(model, (int)input, (int)output), modelTag);
    }
}
