using System.Diagnostics;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.AI;

namespace KnowledgeBase.Grains.Chat.Pipeline;

/// <summary>Everything one chat turn carries between the pipeline's steps and its settlement by the session grain.</summary>
public sealed class ChatTurn(string userId, string question, ConversationSummary conversation, Reservation reservation,
    IConversationGrain conversationGrain, long startedTimestamp)
{
    public string UserId { get; } = userId;
    public string Question { get; } = question;
    public string ConversationId { get; } = conversation.ConversationId;
    public string Title { get; } = conversation.Title;
    public bool IsNewConversation { get; } = conversation.MessageCount == 0;
    public string MessageId { get; } = MessageIds.New(conversation.ConversationId);
    public IConversationGrain Conversation { get; } = conversationGrain;

    /// <summary>The conversation's last turn this one takes the place of (regenerate, edited question), or null.</summary>
    public string? Replaces { get; init; }

    /// <summary>The budget this turn holds until it is settled.</summary>
    public Reservation Reservation { get; } = reservation;
    public long StartedTimestamp { get; } = startedTimestamp;

    /// <summary>Who asks (set at admission) and what they may read (worked out when the turn starts).</summary>
    public required Caller Caller { get; init; }
    public Permissions.Access? Access { get; set; }

    public IReadOnlyList<ConversationTurn> History { get; set; } = [];
    public Tagging? Tagging { get; set; }
    public string? RetrievalQuery { get; set; }

    /// <summary>The model's search queries, searched besides <see cref="RetrievalQuery"/> (none offline).</summary>
    public IReadOnlyList<string> ModelQueries { get; set; } = [];

    /// <summary>What asking the model for <see cref="ModelQueries"/> used; charged with the turn.</summary>
    public UsageDetails? RewriteUsage { get; set; }
    public IReadOnlyList<SearchHit> Candidates { get; set; } = [];
    public Prompt? Prompt { get; set; }
    public CitationFilter? Filter { get; set; }
    public UsageDetails? ModelUsage { get; set; }
    public bool Cached { get; set; }

    /// <summary>No source could answer, so the model was not asked: the turn costs nothing.</summary>
    public bool ModelSkipped { get; set; }

    /// <summary>The answer streamed to its end.</summary>
    public bool Completed { get; set; }

    /// <summary>What ended the turn early and how the client is told (null for a cancelled turn: nobody is listening).</summary>
    public Exception? Failure { get; set; }
    public ErrorEvent? Error { get; set; }
    public bool Cancelled => Failure is OperationCanceledException;

    public bool Settled { get; set; }
    public double TaggingMs { get; set; }
    public double RetrievalMs { get; set; }
    public double GenerationMs { get; set; }
    public double ElapsedMs => Stopwatch.GetElapsedTime(StartedTimestamp).TotalMilliseconds;
}
