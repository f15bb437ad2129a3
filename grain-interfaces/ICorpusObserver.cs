namespace KnowledgeBase.Contracts;

/// <summary>Told when what a search can find changed (a document became ready, was replaced or deleted), so every
/// silo's index follows at once instead of polling the catalog.</summary>
[Alias("kb.ICorpusObserver")]
public interface ICorpusObserver : IGrainObserver
{
    [OneWay, Alias("CorpusChanged")]
    Task CorpusChangedAsync(long corpusVersion);
}
