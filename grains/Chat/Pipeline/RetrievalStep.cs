using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Chat.Pipeline;

/// <summary>Finds candidate chunks for a turn's search query (and the model's queries, fused) among the collections the
/// caller may read (the index filters before it ranks); small talk searches nothing. A search that fails ends the
/// turn with an error the client can act on (retry later), never a broken stream.</summary>
public sealed class RetrievalStep(IRetriever retriever, IOptions<KnowledgeBaseOptions> options, ILogger<RetrievalStep> logger)
{
    public async Task RunAsync(ChatTurn turn, CancellationToken cancellationToken)
    {
        if (turn.Tagging!.Intent == "chit_chat") return;
        var count = Math.Max(options.Value.RetrievalTopK * 2, 10);
        try
        {
            turn.Candidates = await retriever.RetrieveAsync(turn.RetrievalQuery!, count, null, turn.Access!.Readable, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Retrieval failed for {UserId}", turn.UserId);
            turn.Failure = ex;
            turn.Error = ex is VectorStoreUnavailableException
                ? new ErrorEvent(TransientCodes.VectorStore, "벡터 저장소(ChromaDB)에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요. (The vector store is unavailable; retry shortly.)", 5)
                : new ErrorEvent("retrieval_error", "문서 검색에 실패했습니다. 잠시 후 다시 시도해 주세요. (Search failed; try again shortly.)", null);
        }
    }

    /// <summary>Searches each of the turn's model queries (the caller's readable collections, as always) and fuses their
    /// rankings with the user's own by reciprocal rank, the user's query counting as much as all the model's together.</summary>
    public async Task FuseModelQueriesAsync(ChatTurn turn, CancellationToken cancellationToken)
    {
        if (turn.ModelQueries.Count == 0 || turn.Error is not null) return;
        var count = Math.Max(options.Value.RetrievalTopK * 2, 10);
        var lists = new List<(IReadOnlyList<SearchHit> Hits, double Weight)> { (turn.Candidates, 1.0) };
        try
        {
            foreach (var query in turn.ModelQueries)
                lists.Add((await retriever.RetrieveAsync(query, count, null, turn.Access!.Readable, cancellationToken), 1.0 / turn.ModelQueries.Count));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The user's own results stand; a failing extra search does not fail the turn.
            logger.LogWarning(ex, "Searching the model's queries failed for {UserId}", turn.UserId);
            return;
        }
        turn.Candidates = ReciprocalRank(lists, count);
    }

    private static List<SearchHit> ReciprocalRank(List<(IReadOnlyList<SearchHit> Hits, double Weight)> lists, int count)
    {
        const int k = 60;
        var fused = new Dictionary<string, (SearchHit Hit, double Score, int FirstSeen)>(StringComparer.Ordinal);
        foreach (var (hits, weight) in lists)
            for (var rank = 0; rank < hits.Count; rank++)
            {
                var hit = hits[rank];
                var add = weight / (k + rank + 1);
                fused[hit.ChunkId] = fused.TryGetValue(hit.ChunkId, out var seen) ? (seen.Hit, seen.Score + add, seen.FirstSeen) : (hit, add, fused.Count);
            }
        return fused.Values.OrderByDescending(f => f.Score).ThenBy(f => f.FirstSeen).Take(count).Select(f => f.Hit).ToList();
    }
}
