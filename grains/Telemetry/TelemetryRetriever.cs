using System.Diagnostics;
using KnowledgeBase.Grains.Retrieval;

namespace KnowledgeBase.Grains.Telemetry;

/// <summary>A span and a duration for each retrieval, around whichever retriever the host wired.</summary>
public sealed class TelemetryRetriever(IRetriever inner) : IRetriever
{
    public async Task<IReadOnlyList<SearchHit>> RetrieveAsync(string query, int topK, IReadOnlyList<string>? tags,
        IReadOnlyCollection<string>? collections, CancellationToken cancellationToken = default)
        => await ObserveAsync(topK, () => inner.RetrieveAsync(query, topK, tags, collections, cancellationToken), hits => hits.Count);

    public async Task<MeteredRetrieval> RetrieveMeteredAsync(string query, int topK, IReadOnlyList<string>? tags,
        IReadOnlyCollection<string>? collections, CancellationToken cancellationToken = default)
        => await ObserveAsync(topK, () => inner.RetrieveMeteredAsync(query, topK, tags, collections, cancellationToken), r => r.Hits.Count);

    private static async Task<T> ObserveAsync<T>(int topK, Func<Task<T>> retrieve, Func<T, int> count)
    {
        using var span = KnowledgeBaseTelemetry.Source.StartActivity("retrieval");
        span?.SetTag("kb.retrieval.top_k", topK);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await retrieve();
            span?.SetTag("kb.retrieval.hits", count(result));
            return result;
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
