using System.Runtime.CompilerServices;
using KnowledgeBase.Grains.Caching;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Chat.Pipeline;

/// <summary>Streams the model's answer to a built prompt (through the answer cache) and passes each piece through the
/// turn's <see cref="CitationFilter"/>, which drops citations that point at no source. A model that fails mid-answer
/// ends the turn with an error after what was already streamed.</summary>
public sealed class AnswerStreamStep(IChatClient chat, AnswerCache answers, IOptions<KnowledgeBaseOptions> options, ILogger<AnswerStreamStep> logger)
{
    private readonly AnswerCachingChatClient _client = new(chat, answers);

    public string ModelId => _client.ModelId;

    public async IAsyncEnumerable<DeltaEvent> RunAsync(ChatTurn turn, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = turn.Filter = new CitationFilter(turn.Prompt!.Sources.Count);
        var chatOptions = new ChatOptions
        {
            MaxOutputTokens = options.Value.MaxCompletionTokens,
            Temperature = 0.1f,
            // Binds a cached answer to the sources (and their collections) it was built from.
            AdditionalProperties = new() { [AnswerCachingChatClient.SourcesProperty] = AnswerCache.Scope(turn.Prompt.Sources) },
        };
        // Regenerating asks the model again rather than replaying the answer being replaced.
        if (turn.Replaces is not null) chatOptions.AdditionalProperties[AnswerCachingChatClient.FreshProperty] = true;
        // The model gets a fresh idle allowance before every piece: a model that stops sending ends the turn as a timeout.
        var idleTimeout = options.Value.ModelIdleTimeout;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using (var updates = _client.GetStreamingResponseAsync(turn.Prompt.Messages, chatOptions, idle.Token).GetAsyncEnumerator(idle.Token))
        {
            while (true)
            {
                idle.CancelAfter(idleTimeout);
                var (hasNext, failure) = await MoveNextAsync(updates);
                if (failure is not null)
                {
                    // Cancelled but not by the caller: the idle allowance (or the HTTP client's own timeout) ran out.
                    turn.Failure = failure is OperationCanceledException && !cancellationToken.IsCancellationRequested
                        ? new TimeoutException($"The model sent nothing for {idleTimeout.TotalSeconds:0} s.", failure)
                        : failure;
                    break;
                }
                if (!hasNext) break;
                var update = updates.Current;
                if (ChatUpdates.UsageOf(update) is { } usage)
                {
                    turn.ModelUsage = usage;
                    turn.Cached = AnswerCachingChatClient.IsReplay(update);
                }
                var piece = update.Text;
                if (string.IsNullOrEmpty(piece)) continue;
                var text = filter.Push(piece);
                if (text.Length > 0) yield return new DeltaEvent(text);
            }
        }
        var tail = filter.Flush();
        if (tail.Length > 0) yield return new DeltaEvent(tail);

        if (turn.Failure is null) turn.Completed = true;
        else if (!turn.Cancelled)
        {
            logger.LogWarning("Model call failed for {UserId}: {Error}", turn.UserId, turn.Failure.GetType().Name);
            turn.Error = turn.Failure is TimeoutException
                ? new ErrorEvent(ChatErrorCodes.ModelTimeout, $"모델이 {idleTimeout.TotalSeconds:0}초 동안 응답하지 않아 답변을 받지 못했습니다. 잠시 후 다시 시도해 주세요. " +
                    $"(The model did not respond for {idleTimeout.TotalSeconds:0} s; try again shortly.)", null)
                : new ErrorEvent(ChatErrorCodes.ModelError, "답변을 생성하지 못했습니다. 잠시 후 다시 시도해 주세요. (The model could not answer; try again shortly.)", null);
        }
    }

    private static async Task<(bool HasNext, Exception? Failure)> MoveNextAsync(IAsyncEnumerator<ChatResponseUpdate> updates)
    {
        try
        {
            return (await updates.MoveNextAsync(), null);
        }
        catch (Exception ex)
        {
            return (false, ex);
        }
    }
}
