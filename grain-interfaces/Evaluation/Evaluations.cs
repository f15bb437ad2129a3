namespace KnowledgeBase.Contracts;

/// <summary>How one golden question fared: where retrieval ranked its first relevant chunk, what the chat turn answered.</summary>
[GenerateSerializer, Immutable, Alias("kb.EvaluationQuestionResult")]
public sealed record EvaluationQuestionResult(
    [property: Id(0)] string Id,
    [property: Id(1)] string Question,
    [property: Id(2)] string Language,
    [property: Id(3)] string Kind,
    [property: Id(4)] bool ExpectsNoAnswer,
    [property: Id(5)] int? Rank,
    [property: Id(6)] bool? AnswerHit,
    [property: Id(7)] bool NoResult,
    [property: Id(8)] string Answer,
    [property: Id(9)] IReadOnlyList<string> TopSources,
    [property: Id(10)] IReadOnlyList<string> ExpectedPhrases,
    [property: Id(11)] double LatencyMs,
    [property: Id(12)] string? Error);

/// <summary>A run's figures. Search figures and answer hits count answerable questions; no-result precision is the
/// share of "nothing found" answers given to questions no document answers, recall the share of those questions that
/// got one.</summary>
[GenerateSerializer, Immutable, Alias("kb.EvaluationTotals")]
public sealed record EvaluationTotals(
    [property: Id(0)] int Questions,
    [property: Id(1)] int Answerable,
    [property: Id(2)] int Unanswerable,
    [property: Id(3)] double SearchAt1,
    [property: Id(4)] double SearchAt3,
    [property: Id(5)] double SearchAt10,
    [property: Id(6)] double Mrr10,
    [property: Id(7)] double AnswerHitRate,
    [property: Id(8)] double NoResultPrecision,
    [property: Id(9)] double NoResultRecall,
    [property: Id(10)] int Errors);

/// <summary>One evaluation run as the history lists it (status running, completed or failed).</summary>
[GenerateSerializer, Immutable, Alias("kb.EvaluationRunSummary")]
public sealed record EvaluationRunSummary(
    [property: Id(0)] string RunId,
    [property: Id(1)] string Name,
    [property: Id(2)] string StartedBy,
    [property: Id(3)] DateTimeOffset StartedAt,
    [property: Id(4)] DateTimeOffset? FinishedAt,
    [property: Id(5)] string Status,
    [property: Id(6)] int Questions,
    [property: Id(7)] int Done,
    [property: Id(8)] EvaluationTotals? Totals,
    [property: Id(9)] string? Error);

/// <summary>A run with its per-question results.</summary>
[GenerateSerializer, Immutable, Alias("kb.EvaluationRun")]
public sealed record EvaluationRun(
    [property: Id(0)] EvaluationRunSummary Summary,
    [property: Id(1)] IReadOnlyList<EvaluationQuestionResult> Results);
