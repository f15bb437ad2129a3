using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using KnowledgeBase.Grains.Models;
using Microsoft.Extensions.AI;

namespace KnowledgeBase.Grains.Caching;

/// <summary>The answer cache in front of a chat model: a prompt answered before is replayed word by word from
/// <see cref="AnswerCache"/> at no model cost; a fresh complete answer is stored. An answer the caller stopped reading,
/// or one that failed, is not stored.</summary>
public sealed partial class AnswerCachingChatClient(IChatClient inner, AnswerCache cache) : DelegatingChatClient(inner)
{
    /// <summary>Set on the last update of a replayed answer.</summary>
    public const string CachedProperty = "kb.cached";

    /// <summary>The prompt's sources with their collections (<see cref="AnswerCache.Scope"/>), passed in the options'
    /// additional properties and made part of the key.</summary>
    public const string SourcesProperty = "kb.sources";

    /// <summary>Set in <see cref="ChatOptions.AdditionalProperties"/> to ask the model anew (regenerate): the cached answer
    /// is skipped, and the fresh one replaces it.</summary>
    public const string FreshProperty = "kb.fresh";

    public string ModelId { get; } = inner.GetService<ChatClientMetadata>()?.DefaultModelId ?? ExtractiveChatClient.ModelId;

    public static bool IsReplay(ChatResponseUpdate update) => update.AdditionalProperties?.ContainsKey(CachedProperty) == true;

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var key = AnswerCache.Key(ModelId, messages, options?.AdditionalProperties?.TryGetValue(SourcesProperty, out var scope) == true ? scope as string : null);
        var fresh = options?.AdditionalProperties?.ContainsKey(FreshProperty) == true;
        if (fresh)
        {
            // The flag is ours: the model never sees it.
            options = options!.Clone();
            options.AdditionalProperties!.Remove(FreshProperty);
        }
        if (!fresh && await cache.GetAsync(key, cancellationToken) is { } cached)
        {
            foreach (Match piece in Words().Matches(cached.Text))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return new ChatResponseUpdate(ChatRole.Assistant, piece.Value);
            }
            yield return new ChatResponseUpdate
            {
                Contents = [new UsageContent(new UsageDetails { InputTokenCount = 0, OutputTokenCount = 0, TotalTokenCount = 0 })],
                AdditionalProperties = new() { [CachedProperty] = true },
            };
            yield break;
        }

        var text = new StringBuilder();
        UsageDetails? usage = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            if (ChatUpdates.UsageOf(update) is { } details) usage = details;
            text.Append(update.Text);
            yield return update;
        }
        if (text.Length > 0)
            await cache.SetAsync(key, new CachedAnswer(text.ToString(), (int)(usage?.InputTokenCount ?? 0), (int)(usage?.OutputTokenCount ?? 0), ModelId));
    }

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
        => GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    [GeneratedRegex(@"\S+\s*|\s+")]
    private static partial Regex Words();
}
