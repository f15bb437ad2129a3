namespace KnowledgeBase.Contracts;

/// <summary>One settled chat turn as the admin charts count it.</summary>
[GenerateSerializer, Immutable, Alias("kb.QueryOutcome")]
public sealed record QueryOutcome(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] bool NoResult);

/// <summary>Turns and no-result turns per local hour (24 entries each) of one day, as one source counted them.
/// Absolute per source, so a lost or repeated batch heals itself.</summary>
[GenerateSerializer, Immutable, Alias("kb.HourlyQueryCounts")]
public sealed record HourlyQueryCounts(
    [property: Id(0)] IReadOnlyList<long> Requests,
    [property: Id(1)] IReadOnlyList<long> NoResult,
    [property: Id(2)] long Sequence);
