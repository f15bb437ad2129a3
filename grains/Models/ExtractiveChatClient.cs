using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using KnowledgeBase.Grains.Chat;
using Microsoft.Extensions.AI;

namespace KnowledgeBase.Grains.Models;

/// <summary>The offline answerer: quotes the source sentences that best match the question, each with its [n],
/// and says that it is an extractive answer. Reads the same prompt a real model gets; counts usage with the same tokenizer.</summary>
public sealed partial class ExtractiveChatClient(ITokenCounter tokens) : IChatClient
{
    public const string ModelId = "offline-extractive";
    private const int MaxSentences = 3;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        UsageDetails? usage = null;
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            text.Append(update.Text);
            usage = ChatUpdates.UsageOf(update) ?? usage;
        }
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text.ToString())) { Usage = usage, ModelId = ModelId, FinishReason = ChatFinishReason.Stop };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var answer = Answer(list.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "");
        if (options?.MaxOutputTokens is { } max) answer = tokens.Truncate(answer, max);

        foreach (var piece in WordPieces().Matches(answer).Select(m => m.Value))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, piece) { ModelId = ModelId };
        }
        await Task.CompletedTask;

        var prompt = list.Sum(m => tokens.Count(m.Text) + 4);
        var completion = tokens.Count(answer);
        var usage = new UsageDetails { InputTokenCount = prompt, OutputTokenCount = completion, TotalTokenCount = prompt + completion };
        yield return new ChatResponseUpdate { Role = ChatRole.Assistant, ModelId = ModelId, FinishReason = ChatFinishReason.Stop, Contents = [new UsageContent(usage)] };
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
        => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }

    /// <summary>Builds the extractive answer from the prompt's sources and question.</summary>
    public static string Answer(string userMessage)
    {
        var question = userMessage;
        var markerAt = userMessage.LastIndexOf(PromptBuilder.QuestionMarker, StringComparison.Ordinal);
        if (markerAt >= 0) question = userMessage[(markerAt + PromptBuilder.QuestionMarker.Length)..].Trim();
        var english = IsMostlyLatin(question);

        var terms = SourceSelector.Terms(question);
        // "며칠/몇/얼마/how many" asks for a quantity: a sentence that states one ("15일", "100분의 50") is the answer.
        var asksQuantity = QuantityQuestion().IsMatch(question);
        var candidates = new List<(int N, string Sentence, double Score, int Order, int Matched)>();
        var order = 0;
        foreach (Match source in SourceBlock().Matches(userMessage))
        {
            var n = int.Parse(source.Groups["n"].Value);
            foreach (var sentence in Sentences(source.Groups["text"].Value))
            {
                var sentenceTerms = SourceSelector.Terms(sentence);
                if (sentenceTerms.Count == 0) continue;
                var matched = terms.Count(sentenceTerms.Contains);
                if (matched == 0) continue;
                var score = matched / Math.Sqrt(sentenceTerms.Count + 4) + 0.01 / n + (asksQuantity && Quantity().IsMatch(sentence) ? 0.5 : 0);
                candidates.Add((n, sentence, score, order++, matched));
            }
        }

        if (candidates.Count == 0) return NotFound(question);

        // Quote only sentences that share a good part of what the best one shares with the question: one common word is not enough.
        var bestMatched = candidates.Max(c => c.Matched);
        var chosen = candidates.Where(c => c.Matched >= Math.Max(1, (bestMatched + 1) / 2))
            .OrderByDescending(c => c.Score).DistinctBy(c => c.Sentence).Take(MaxSentences).OrderBy(c => c.Order);
        var text = new StringBuilder(english
            ? "Extractive answer (offline mode: the most relevant sentences are quoted from the documents, without a generative model):\n\n"
            : "추출형 답변입니다 (오프라인 모드: 생성 모델 없이 문서에서 가장 관련 있는 문장을 그대로 인용합니다).\n\n");
        foreach (var c in chosen) text.Append("- ").Append(c.Sentence).Append(" [").Append(c.N).Append("]\n");
        return text.ToString().TrimEnd();
    }

    private static IEnumerable<string> Sentences(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            foreach (Match m in SentenceSplit().Matches(line))
            {
                var s = m.Value.Trim();
                if (s.Length >= 8) yield return s.Length > 400 ? s[..400] + "…" : s;
            }
        }
    }

    /// <summary>The answer when no source answers the question, in the question's language.</summary>
    public static string NotFound(string question) => IsMostlyLatin(question)
        ? "I could not find this in the provided documents. Try rephrasing the question or upload the relevant document."
        : "제공된 문서에서 이 질문에 대한 내용을 찾을 수 없습니다. 질문을 바꾸어 보시거나 관련 문서를 업로드해 주세요.";

    private static bool IsMostlyLatin(string text)
    {
        var hangul = text.Count(c => c is >= '\uAC00' and <= '\uD7A3');
        var latin = text.Count(c => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z');
        return latin > hangul * 2;
    }

    [GeneratedRegex("<source n=\"(?<n>\\d+)\"[^>]*>\\r?\\n(?<text>.*?)\\r?\\n</source>", RegexOptions.Singleline)]
    private static partial Regex SourceBlock();

    // A sentence ends at . ! ? (Korean 다. 요. included) followed by space, or at the end of the line.
    [GeneratedRegex(@"[^.!?。]+(?:[.!?。]+(?=\s|$)|$)")]
    private static partial Regex SentenceSplit();

    [GeneratedRegex(@"\S+\s*|\s+")]
    private static partial Regex WordPieces();

    [GeneratedRegex(@"며칠|몇|얼마|기간|언제까지|how many|how much|how long", RegexOptions.IgnoreCase)]
    private static partial Regex QuantityQuestion();

    [GeneratedRegex(@"\d+\s*(일|개월|년|시간|주|분|%|퍼센트|원|배|세)|\d+분의\s*\d+|100분의")]
    private static partial Regex Quantity();
}
