namespace KnowledgeBase.Contracts;

/// <summary>A silo's copy of the retrieval boosts, told of every change.</summary>
[Alias("kb.IRetrievalBoostsObserver")]
public interface IRetrievalBoostsObserver : IGrainObserver
{
    [OneWay, Alias("OnBoostsChanged")]
    Task OnBoostsChanged(RetrievalBoosts boosts);
}
