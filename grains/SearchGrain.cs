using KnowledgeBase.Grains.Retrieval;

namespace KnowledgeBase.Grains;

/// <summary>Runs /api/search on a silo (where the index lives); stateless and local, so any silo answers.</summary>
[StatelessWorker]
public sealed class SearchGrain(IRetriever retriever) : Grain, ISearchGrain
{
    public Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default)
        => retriever.RetrieveAsync(query.Query, query.TopK, query.Tags, cancellationToken);
}
