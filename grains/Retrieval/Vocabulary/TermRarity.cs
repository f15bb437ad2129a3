namespace KnowledgeBase.Grains.Retrieval;

/// <summary>How rare a search term (a Hangul bigram or a Latin/digit word, as the lexical index stores them) is in the
/// indexed corpus: the relevance gate weighs a question's terms by it, so a question whose rarest words appear in no
/// document is told so even when its common words (회사, 시간) match something.</summary>
public interface ITermRarity
{
    /// <summary>BM25's inverse document frequency of <paramref name="term"/> (0 when the corpus is empty).</summary>
    double Idf(string term);

    /// <summary>Whether any indexed chunk contains <paramref name="term"/>.</summary>
    bool Occurs(string term);
}

/// <summary>Every term equally rare: the gate then weighs a question's terms alike.</summary>
public sealed class UniformTermRarity : ITermRarity
{
    public static readonly UniformTermRarity Instance = new();

    public double Idf(string term) => 1;

    public bool Occurs(string term) => true;
}
