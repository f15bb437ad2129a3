using Microsoft.ML.Tokenizers;

namespace KnowledgeBase.Grains.Models;

/// <summary>o200k_base, the tokenizer of gpt-4o-mini; loaded once per process. Counts of all but short texts are
/// remembered (bounded), because the same chunks and source headers are counted again for every prompt they appear in.</summary>
public sealed class TiktokenTokenCounter : ITokenCounter
{
    private const int CacheFrom = 64;
    private const int CacheEntries = 4096;
    private static readonly Lazy<Tokenizer> Shared = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Counts = new(StringComparer.Ordinal);
    private readonly Tokenizer _tokenizer = Shared.Value;

    public int Count(string text)
    {
        if (string.IsNullOrEmpty(text)) return 0;
        if (text.Length < CacheFrom) return _tokenizer.CountTokens(text);
        if (Counts.TryGetValue(text, out var known)) return known;
        var count = _tokenizer.CountTokens(text);
        if (Counts.Count >= CacheEntries) Counts.Clear();
        Counts[text] = count;
        return count;
    }

    public string Truncate(string text, int maxTokens)
    {
        if (maxTokens <= 0 || string.IsNullOrEmpty(text)) return string.Empty;
        if (Count(text) <= maxTokens) return text;
        var index = _tokenizer.GetIndexByTokenCount(text, maxTokens, out _, out _);
        return index >= text.Length ? text : text[..index];
    }
}
