using KnowledgeBase.Grains.Retrieval;

namespace KnowledgeBase.Grains;

/// <summary>Runs /api/search on a silo (where the index lives); stateless and local, so any silo answers. The query
/// carries the caller's readable collections, which the index filters by before ranking.</summary>
[StatelessWorker]
public sealed class SearchGrain(IRetriever retriever) : Grain, ISearchGrain
{
    public Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default)
        => retriever.RetrieveAsync(query.Query, query.TopK, query.Tags, query.Collections, cancellationToken);
}
