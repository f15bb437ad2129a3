using System.Text;
using System.Text.RegularExpressions;
using KnowledgeBase.Grains.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Chat;

/// <summary>The model's search queries for a turn and what asking for them used (null when the model was not asked or
/// reported nothing).</summary>
public sealed record SearchQueries(IReadOnlyList<string> Queries, UsageDetails? Usage)
{
    public static readonly SearchQueries None = new([], null);
}

/// <summary>Makes questions searchable on their own. Offline, a follow-up ("그럼 1년 미만은?") is searched together with
/// the previous turn's query. With a chat model configured, the model also rewrites the question and the conversation
/// into standalone search queries in the documents' words, searched besides the user's own query and fused with it;
/// what that call uses is charged with the turn.</summary>
public sealed partial class QueryRewriter(IChatClient? model = null, ITokenCounter? tokens = null, IOptions<QueryRewriteOptions>? options = null,
    ILogger<QueryRewriter>? logger = null)
{
    private static readonly string[] FollowUpMarkers =
    [
        "그럼", "그러면", "그렇다면", "그건", "그것", "이건", "이것", "저건", "그 경우", "그때", "그 외", "또", "그리고",
        "what about", "and if", "how about", "what if", "and for", "then",
    ];

    /// <summary>The rewrite request's instructions; the first line also tells a test's model stub what is being asked.</summary>
    public const string Instruction = """
        검색 질의 작성 (Search query rewriting).
        사내 문서 검색에 쓸 질의를 만듭니다. Write search queries for the company's document search.
        대화와 마지막 질문을 읽고, 마지막 질문을 대화 없이도 이해되는 독립된 검색 질의로 바꾸세요. Rewrite the last question, using the conversation, into standalone search queries.
        문서에 쓰일 법한 공식 용어(예: 잔업 → 연장근로, 육휴 → 육아휴직)와 한국어를 쓰세요. Prefer the formal Korean terms the documents use.
        질의만 한 줄에 하나씩 쓰고, 번호·설명·답변은 쓰지 마세요. One query per line; no numbering, no explanation, no answer.
        """;

    private const int HistoryTurns = 3;
    private const int HistoryAnswerTokens = 150;
    private const int MaxQueryLength = 200;

    private readonly QueryRewriteOptions _options = options?.Value ?? new QueryRewriteOptions();
    private readonly ITokenCounter _tokens = tokens ?? new TiktokenTokenCounter();
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>Whether the model is asked: a model is configured (not the offline extractive answerer) and the rewrite is on.</summary>
    public bool UsesModel { get; } = (options?.Value ?? new QueryRewriteOptions()).Enabled && model is not null
        && model.GetService(typeof(ExtractiveChatClient)) is null;

    /// <summary>The most the rewrite of <paramref name="question"/> can use, for the budget's reservation; 0 offline.</summary>
    public long WorstCaseTokens(string question) => UsesModel
        ? _tokens.Count(Instruction) + _tokens.Count(question) + HistoryTurns * (2 * HistoryAnswerTokens + 16) + 32 + _options.MaxOutputTokens
        : 0;

    /// <param name="previousQuery">The retrieval query of the previous turn in this conversation, if any.</param>
    public string Rewrite(string question, string? previousQuery)
    {
        if (string.IsNullOrWhiteSpace(previousQuery)) return question;
        var q = question.Trim();
        var lower = q.ToLowerInvariant();
        var isFollowUp = FollowUpMarkers.Any(m => lower.StartsWith(m, StringComparison.Ordinal))
            || CountContentChars(q) <= 12;
        return isFollowUp ? $"{LastQuestion(previousQuery)} {q}" : q;
    }

    /// <summary>The model's standalone search queries for <paramref name="question"/> in its conversation, other than
    /// <paramref name="ownQuery"/>. A model that fails or is slow costs the turn nothing and leaves the user's own query
    /// to be searched alone.</summary>
    public async Task<SearchQueries> ModelQueriesAsync(string question, string ownQuery, IReadOnlyList<ConversationTurn> history,
        TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        if (!UsesModel) return SearchQueries.None;
        var messages = new List<ChatMessage> { new(ChatRole.System, Instruction), new(ChatRole.User, Context(question, history)) };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(idleTimeout < _options.Timeout ? idleTimeout : _options.Timeout);
        ChatResponse response;
        try
        {
            response = await model!.GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = _options.MaxOutputTokens, Temperature = 0f }, timeout.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "The model's query rewrite failed; the question is searched as asked");
            return SearchQueries.None;
        }

        var text = response.Text ?? string.Empty;
        var usage = response.Usage ?? new UsageDetails
        {
            InputTokenCount = messages.Sum(m => _tokens.Count(m.Text) + 4),
            OutputTokenCount = _tokens.Count(text),
        };
        var queries = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            var query = LinePrefix().Replace(line, "").Trim().Trim('"', '\'', '“', '”');
            if (query.Length == 0) continue;
            if (query.Length > MaxQueryLength) query = query[..MaxQueryLength];
            if (query.Equals(ownQuery.Trim(), StringComparison.OrdinalIgnoreCase) || queries.Contains(query, StringComparer.OrdinalIgnoreCase)) continue;
            queries.Add(query);
            if (queries.Count == _options.MaxQueries) break;
        }
        return new SearchQueries(queries, usage);
    }

    /// <summary>The recent conversation (questions, and answers cut short) and the question, as the rewrite reads them.</summary>
    private string Context(string question, IReadOnlyList<ConversationTurn> history)
    {
        var sb = new StringBuilder();
        var recent = history.Where(t => t.Completed).TakeLast(HistoryTurns).ToList();
        if (recent.Count > 0)
        {
            sb.AppendLine("대화 (Conversation):");
            foreach (var turn in recent)
            {
                sb.Append("사용자 (User): ").AppendLine(turn.Question);
                sb.Append("도우미 (Assistant): ").AppendLine(_tokens.Truncate(turn.Answer, HistoryAnswerTokens));
            }
            sb.AppendLine();
        }
        sb.Append("마지막 질문 (Last question): ").Append(question);
        return sb.ToString();
    }

    // A chain of follow-ups keeps only the nearest original question, not an ever-growing string.
    private static string LastQuestion(string previous) => previous.Length > 200 ? previous[^200..] : previous;

    private static int CountContentChars(string text) => text.Count(char.IsLetterOrDigit);

    // Numbering or bullets a model puts before its lines anyway: "1.", "2)", "-", "*", "•", "Q1:".
    [GeneratedRegex(@"^\s*(?:\d{1,2}[.)]|[-*•·]|q\d{1,2}\s*:)\s*", RegexOptions.IgnoreCase)]
    private static partial Regex LinePrefix();
}
