using KnowledgeBase.Grains.Accounting;
using Microsoft.Extensions.AI;

namespace KnowledgeBase.Grains.Telemetry;

/// <summary>Counts the tokens every model answer used, and their cost at the price table's rates, per model. Sits at
/// the model boundary, so cached answers (which call no model) cost nothing here either.</summary>
public sealed class TelemetryChatClient(IChatClient inner, PriceTable prices) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken);
        Record(response.ModelId, response.Usage);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? model = null;
        UsageDetails? usage = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            model ??= update.ModelId;
            if (update.Contents.OfType<UsageContent>().FirstOrDefault() is { } content) usage = content.Details;
            yield return update;
        }
        Record(model, usage);
    }

    private void Record(string? responseModel, UsageDetails? usage)
    {
        if (usage is null) return;
        var model = responseModel ?? this.GetService<ChatClientMetadata>()?.DefaultModelId ?? "unknown";
        var input = usage.InputTokenCount ?? 0;
        var output = usage.OutputTokenCount ?? 0;
        var modelTag = KnowledgeBaseTelemetry.Tag("model", model);
        KnowledgeBaseTelemetry.ModelTokens.Add(input, modelTag, KnowledgeBaseTelemetry.Tag("type", "input"));
        KnowledgeBaseTelemetry.ModelTokens.Add(output, modelTag, KnowledgeBaseTelemetry.Tag("type", "output"));
        KnowledgeBaseTelemetry.ModelCost.Add((double)prices.Cost(model, (int)input, (int)output), modelTag);
    }
}
