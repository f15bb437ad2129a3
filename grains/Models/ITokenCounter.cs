namespace KnowledgeBase.Grains.Models;

/// <summary>Counts tokens with the chat model's real tokenizer, so prompts, budgets and chunk sizes agree.</summary>
public interface ITokenCounter
{
    int Count(string text);

    /// <summary>The longest prefix of <paramref name="text"/> that fits in <paramref name="maxTokens"/>.</summary>
    string Truncate(string text, int maxTokens);
}
