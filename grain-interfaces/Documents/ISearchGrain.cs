namespace KnowledgeBase.Contracts;

/// <summary>Runs a search on the silo that holds the index (stateless, local).</summary>
[Alias("kb.ISearchGrain")]
public interface ISearchGrain : IGrainWithIntegerKey
{
    [Alias("Search")]
    Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default);
}
