using System.Diagnostics;
using KnowledgeBase.Grains.Retrieval;

namespace KnowledgeBase.Grains.Telemetry;

/// <summary>A span and a duration for each retrieval, around whichever retriever the host wired.</summary>
public sealed class TelemetryRetriever(IRetriever inner) : IRetriever
{
    public async Task<IReadOnlyList<SearchHit>> RetrieveAsync(string query, int topK, IReadOnlyList<string>? tags,
        IReadOnlyCollection<string>? collections, CancellationToken cancellationToken = default)
    {
        using var span = KnowledgeBaseTelemetry.Source.StartActivity("retrieval");
        span?.SetTag("kb.retrieval.top_k", topK);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var hits = await inner.RetrieveAsync(query, topK, tags, collections, cancellationToken);
            span?.SetTag("kb.retrieval.hits", hits.Count);
            return hits;
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        finally
        {
            KnowledgeBaseTelemetry.RetrievalDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}
