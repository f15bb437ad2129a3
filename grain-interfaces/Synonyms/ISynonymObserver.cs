namespace KnowledgeBase.Contracts;

/// <summary>A silo's copy of the synonym sets, told of every change.</summary>
[Alias("kb.ISynonymObserver")]
public interface ISynonymObserver : IGrainObserver
{
    [OneWay, Alias("OnSynonymsChanged")]
    Task OnSynonymsChanged(SynonymSets sets);
}
