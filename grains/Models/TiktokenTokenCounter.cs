using Microsoft.ML.Tokenizers;

namespace KnowledgeBase.Grains.Models;

/// <summary>o200k_base, the tokenizer of gpt-4o-mini; loaded once per process.</summary>
public sealed class TiktokenTokenCounter : ITokenCounter
{
    private static readonly Lazy<Tokenizer> Shared = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private readonly Tokenizer _tokenizer = Shared.Value;

    public int Count(string text) => string.IsNullOrEmpty(text) ? 0 : _tokenizer.CountTokens(text);

    public string Truncate(string text, int maxTokens)
    {
        if (maxTokens <= 0 || string.IsNullOrEmpty(text)) return string.Empty;
        var index = _tokenizer.GetIndexByTokenCount(text, maxTokens, out _, out _);
        return index >= text.Length ? text : text[..index];
    }
}
