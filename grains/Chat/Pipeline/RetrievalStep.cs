using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Chat.Pipeline;

/// <summary>Finds candidate chunks for a turn's search query among the collections the caller may read (the index filters
/// before it ranks); small talk searches nothing. A search that fails ends the
/// turn with an error the client can act on (retry later), never a broken stream.</summary>
public sealed class RetrievalStep(IRetriever retriever, IOptions<KnowledgeBaseOptions> options, ILogger<RetrievalStep> logger)
{
    public async Task RunAsync(ChatTurn turn, CancellationToken cancellationToken)
    {
        if (turn.Tagging!.Intent == "chit_chat") return;
        try
        {
            turn.Candidates = await retriever.RetrieveAsync(turn.RetrievalQuery!, Math.Max(options.Value.RetrievalTopK * 2, 10), null,
                turn.Access!.Readable, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Retrieval failed for {UserId}", turn.UserId);
            turn.Failure = ex;
            turn.Error = ex is VectorStoreUnavailableException
                ? new ErrorEvent(TransientCodes.VectorStore, "벡터 저장소(ChromaDB)에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요. (The vector store is unavailable; retry shortly.)", 5)
                : new ErrorEvent("retrieval_error", "문서 검색에 실패했습니다. 잠시 후 다시 시도해 주세요. (Search failed; try again shortly.)", null);
        }
    }
}
