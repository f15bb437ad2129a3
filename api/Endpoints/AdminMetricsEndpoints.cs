using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Chat;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KnowledgeBase.Api.Endpoints;

public sealed record DayMetrics(string Day, long Tokens, decimal CostUsd, long Requests, long NoResult, int FeedbackUp, int FeedbackDown);
public sealed record HourMetrics(DateTimeOffset Start, string Label, long Requests, long NoResult);
public sealed record MetricsTotals(long Tokens, decimal CostUsd, long Requests, long NoResult, double NoResultRate, int FeedbackUp, int FeedbackDown,
    double FeedbackRate, double PositiveRate);
public sealed record MetricsReport(IReadOnlyList<DayMetrics> Days, IReadOnlyList<HourMetrics> Hours, MetricsTotals Totals, DateTimeOffset GeneratedAt);

/// <summary>The admin console's chart series, computed from the product's own grains: the day cost ledgers, the
/// per-day query stats (turns and no-result turns per hour) and the feedback log's per-day counts.</summary>
public static class AdminMetricsEndpoints
{
    public static RouteGroupBuilder MapAdminMetrics(this RouteGroupBuilder admin)
    {
        admin.MapGet("/metrics", MetricsAsync);
        return admin;
    }

    private static async Task<Results<Ok<MetricsReport>, ProblemHttpResult>> MetricsAsync([FromServices] IClusterClient grains,
        [FromServices] BudgetPeriods periods, [FromServices] TimeProvider clock, int days = 30)
    {
        if (days is < 1 or > 366) return Problems.BadRequest(ErrorCodes.DaysRange, "days must be 1 to 366.");
        var now = clock.GetUtcNow();
        var dayKeys = Enumerable.Range(0, days).Select(i => periods.At(now.AddDays(i - days + 1)).Day).Distinct().ToList();

        var ledgers = Task.WhenAll(dayKeys.Select(d => grains.GetGrain<ICostLedgerGrain>("day:" + d).GetTotalsAsync()));
        var stats = Task.WhenAll(dayKeys.Select(d => grains.GetGrain<IQueryStatsGrain>("day:" + d).GetAsync()));
        var feedback = grains.GetGrain<IFeedbackLogGrain>("all").CountsAsync(dayKeys);
        var (ledgerList, statList, byDay) = (await ledgers, await stats, await feedback);

        var series = dayKeys.Select((day, i) =>
        {
            var fb = byDay.GetValueOrDefault(day);
            return new DayMetrics(day, ledgerList[i].Tokens, ledgerList[i].CostUsd, Math.Max(ledgerList[i].Requests, statList[i].Requests.Sum()),
                statList[i].NoResult.Sum(), fb?.Up ?? 0, fb?.Down ?? 0);
        }).ToList();

        // The last 24 hours, oldest first, from today's and yesterday's hourly counts.
        var statByDay = dayKeys.Select((d, i) => (d, statList[i])).ToDictionary(x => x.d, x => x.Item2);
        var thisHour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var hours = Enumerable.Range(0, 24).Select(i =>
        {
            var start = thisHour.AddHours(i - 23);
            var (day, _) = periods.At(start);
            var hour = periods.HourAt(start);
            var counts = statByDay.GetValueOrDefault(day);
            return new HourMetrics(start, $"{hour:00}:00", counts?.Requests[hour] ?? 0, counts?.NoResult[hour] ?? 0);
        }).ToList();

        var requests = series.Sum(d => d.Requests);
        var noResult = series.Sum(d => d.NoResult);
        var up = series.Sum(d => d.FeedbackUp);
        var down = series.Sum(d => d.FeedbackDown);
        var totals = new MetricsTotals(series.Sum(d => d.Tokens), series.Sum(d => d.CostUsd), requests, noResult, Rate(noResult, requests),
            up, down, Rate(up + down, requests), Rate(up, up + down));
        return TypedResults.Ok(new MetricsReport(series, hours, totals, now));
    }

    private static double Rate(long part, long whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);
}
