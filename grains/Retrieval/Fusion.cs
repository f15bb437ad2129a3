namespace KnowledgeBase.Grains.Retrieval;

/// <summary>Merges the lexical and vector candidate lists into one ranking, and spreads results across documents.</summary>
public static class Fusion
{
    public static List<(string ChunkId, string DocumentId, double Score)> Fuse(
        IReadOnlyList<(string ChunkId, string DocumentId, float Score)> lexical,
        IReadOnlyList<(string ChunkId, string DocumentId, float Score)> vector,
        RetrievalOptions options)
    {
        var scores = new Dictionary<string, (string DocumentId, double Score)>(StringComparer.Ordinal);
        var vectorWeight = Math.Clamp(options.VectorWeight, 0f, 1f);
        Accumulate(scores, lexical, 1 - vectorWeight, options);
        Accumulate(scores, vector, vectorWeight, options);
        var fused = new List<(string ChunkId, string DocumentId, double Score)>(scores.Count);
        foreach (var (chunkId, (documentId, score)) in scores) fused.Add((chunkId, documentId, score));
        // Best first; equal scores by chunk id, so the order never depends on the dictionary's.
        fused.Sort(static (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.ChunkId, b.ChunkId));
        return fused;
    }

    private static void Accumulate(Dictionary<string, (string DocumentId, double Score)> scores,
        IReadOnlyList<(string ChunkId, string DocumentId, float Score)> list, double weight, RetrievalOptions options)
    {
        if (list.Count == 0 || weight <= 0) return;
        var max = float.MinValue;
        for (var i = 0; i < list.Count; i++) max = Math.Max(max, list[i].Score);
        for (var rank = 0; rank < list.Count; rank++)
        {
            var (chunkId, documentId, score) = list[rank];
            var contribution = options.Fusion switch
            {
                FusionMethod.ReciprocalRank => weight / (options.RrfK + rank + 1),
                _ => max > 0 ? weight * Math.Max(0, score) / max : 0,
            };
            scores[chunkId] = scores.TryGetValue(chunkId, out var existing)
                ? (documentId, existing.Score + contribution)
                : (documentId, contribution);
        }
    }

    /// <summary>The best <paramref name="topK"/> with at most <paramref name="perDocument"/> chunks of any one document,
    /// unless every candidate comes from a single document (then that document may fill the list).</summary>
    public static List<(string ChunkId, string DocumentId, double Score)> CapPerDocument(
        IReadOnlyList<(string ChunkId, string DocumentId, double Score)> ranked, int topK, int perDocument)
    {
        var singleDocument = ranked.Select(h => h.DocumentId).Distinct(StringComparer.Ordinal).Take(2).Count() <= 1;
        if (singleDocument || perDocument <= 0) return ranked.Take(topK).ToList();
        var perDoc = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<(string, string, double)>(topK);
        foreach (var hit in ranked)
        {
            if (result.Count == topK) break;
            var count = perDoc.GetValueOrDefault(hit.DocumentId);
            if (count >= perDocument) continue;
            perDoc[hit.DocumentId] = count + 1;
            result.Add(hit);
        }
        return result;
    }
}
