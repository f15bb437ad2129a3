using KnowledgeBase.Grains.Accounting;
using Microsoft.Extensions.AI;

namespace KnowledgeBase.Grains.Telemetry;

/// <summary>Counts the input tokens and cost of embedding calls per model (ingestion and query embeddings). Embeddings
/// served from the cache report no usage, so they count nothing.</summary>
public sealed class TelemetryEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, PriceTable prices)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var embeddings = await base.GenerateAsync(values, options, cancellationToken);
        if (embeddings.Usage?.InputTokenCount is { } tokens)
        {
            var model = embeddings.FirstOrDefault()?.ModelId
                ?? this.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? "unknown";
            var modelTag = KnowledgeBaseTelemetry.Tag("model", model);
            KnowledgeBaseTelemetry.ModelTokens.Add(tokens, modelTag, KnowledgeBaseTelemetry.Tag("type", "input"));
            KnowledgeBaseTelemetry.ModelCost.Add((double)prices.Cost(model, (int)tokens, 0), modelTag);
        }
        return embeddings;
    }
}
