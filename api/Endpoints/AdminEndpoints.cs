using System.Threading.Channels;
using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Audit;
using KnowledgeBase.Grains.Chat;
using KnowledgeBase.Grains.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Api.Endpoints;

public sealed record UserUsageRow(
    string UserId, string Email, string DisplayName, string Role, long TokensToday, long TokensThisMonth,
    decimal CostTodayUsd, decimal CostThisMonthUsd, BudgetLimits Limits, long RemainingToday, long RemainingThisMonth,
    long ReservedTokens, int RequestsLastMinute, DateTimeOffset? LastActivityAt);

public sealed record CompanyTotals(long TokensToday, long TokensThisMonth, decimal CostTodayUsd, decimal CostThisMonthUsd, long RequestsToday, long RequestsThisMonth);

/// <summary>The company's totals and one page of the users (today's highest spenders first); <see cref="Total"/> users in all.</summary>
public sealed record UsageReport(string Day, string Month, CompanyTotals Company, IReadOnlyList<UserUsageRow> Users, DateTimeOffset GeneratedAt,
    int Total, int Offset, int Limit);

public sealed record BudgetBody(long? DailyTokens, long? MonthlyTokens, int? RequestsPerMinute);

/// <summary>Whether the Orleans dashboard is served, and its address relative to the app's base (so PATH_BASE holds).</summary>
public sealed record DashboardInfo(bool Enabled, string Path);

public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").RequireAuthorization("admin").WithTags("admin");
        admin.MapGet("/usage", async ([FromServices] IClusterClient grains, [FromServices] BudgetPeriods periods, [FromServices] TimeProvider clock,
            int offset = 0, int limit = DefaultUsagePage) => TypedResults.Ok(await ReportAsync(grains, periods, clock, offset, limit)));
        admin.MapGet("/usage/stream", StreamAsync);
        admin.MapPut("/users/{userId}/budget", SetBudgetAsync);
        admin.MapGet("/feedback", FeedbackAsync);
        admin.MapAdminMetrics();
        admin.MapAdminCluster();
        admin.MapAdminSynonyms();
        admin.MapAdminBoosts();
        admin.MapAdminEvaluations();
        admin.MapPost("/dashboard-session", DashboardSession);
        admin.MapAccountAdmin();
        admin.MapGet("/dashboard", ([FromServices] IConfiguration config)
            => TypedResults.Ok(new DashboardInfo(KnowledgeBaseSettings.DashboardEnabled(config), ApiHostingExtensions.DashboardPath.TrimStart('/') + "/")));
        return app;
    }

    /// <summary>Lets an admin's browser open the Orleans dashboard: the caller's own token, as an HttpOnly, same-site
    /// cookie sent only to the dashboard's path. The dashboard still requires the admin role on every request.</summary>
    private static NoContent DashboardSession(HttpContext context)
    {
        var token = context.Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        context.Response.Cookies.Append(ApiHostingExtensions.DashboardCookie, token, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = context.Request.PathBase.Add(ApiHostingExtensions.DashboardPath).Value,
        });
        return TypedResults.NoContent();
    }

    public const int DefaultUsagePage = 100;
    public const int MaxUsagePage = 500;

    /// <summary>The company totals from the day and month ledgers, and one page of users in the day ledger's order; only
    /// the page's users are asked for their live figures (reservations, requests in the last minute, limits).</summary>
    public static async Task<UsageReport> ReportAsync(IClusterClient grains, BudgetPeriods periods, TimeProvider clock, int offset = 0, int limit = DefaultUsagePage)
    {
        (offset, limit) = (Math.Max(0, offset), Math.Clamp(limit, 1, MaxUsagePage));
        var now = clock.GetUtcNow();
        var (day, month) = periods.At(now);
        var dayLedger = grains.GetGrain<ICostLedgerGrain>("day:" + day).GetTotalsAsync();
        var monthLedger = grains.GetGrain<ICostLedgerGrain>("month:" + month).GetTotalsAsync();
        var page = await grains.GetGrain<IUserDirectoryGrain>("all").PageBySpendAsync("day:" + day, offset, limit);
        var snapshots = await Task.WhenAll(page.Items.Select(u => grains.GetGrain<IUserSessionGrain>(u.UserId).GetUsageAsync()));
        var (d, m) = (await dayLedger, await monthLedger);
        var rows = snapshots.OfType<UsageSnapshot>().Select(ToRow).ToList();
        return new UsageReport(day, month, new CompanyTotals(d.Tokens, m.Tokens, d.CostUsd, m.CostUsd, d.Requests, m.Requests), rows, now,
            page.Total, offset, limit);
    }

    private static UserUsageRow ToRow(UsageSnapshot s) => new(s.UserId, s.Email, s.DisplayName, s.Role, s.UsedToday, s.UsedThisMonth,
        s.CostTodayUsd, s.CostThisMonthUsd, s.Limits, s.RemainingToday, s.RemainingThisMonth, s.ReservedTokens, s.RequestsLastMinute, s.LastActivityAt);

    /// <summary>SSE: a `snapshot` first, then a `usage` event for every spend change the ledgers see (about 0.5 s after it happens).</summary>
    private static async Task StreamAsync(HttpContext context, [FromServices] IClusterClient grains, [FromServices] BudgetPeriods periods,
        [FromServices] TimeProvider clock, [FromServices] IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, int offset = 0, int limit = DefaultUsagePage)
    {
        var aborted = context.RequestAborted;
        var observer = new UsageObserver();
        var reference = grains.CreateObjectReference<IUsageObserver>(observer);
        var feed = grains.GetGrain<IUsageFeedGrain>("all");
        await feed.SubscribeAsync(reference);
        try
        {
            await using var sse = await SseWriter.StartAsync(context, json.Value.SerializerOptions);
            await sse.WriteAsync("snapshot", await ReportAsync(grains, periods, clock, offset, limit), aborted);
            using var renew = new PeriodicTimer(TimeSpan.FromSeconds(45));
            var renewing = RenewAsync(renew, feed, reference, aborted);
            await foreach (var changes in observer.Changes.ReadAllAsync(aborted))
                await sse.WriteAsync("usage", changes, aborted);
            await renewing;
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested) { }
        finally
        {
            try { await feed.UnsubscribeAsync(reference); } catch { /* the feed may be gone; the subscription expires anyway */ }
            grains.DeleteObjectReference<IUsageObserver>(reference);
        }
    }

    private static async Task RenewAsync(PeriodicTimer timer, IUsageFeedGrain feed, IUsageObserver reference, CancellationToken cancellationToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken)) await feed.SubscribeAsync(reference);
        }
        catch (OperationCanceledException) { }
    }

    private static async Task<Results<Ok<UserUsageRow>, ProblemHttpResult>> SetBudgetAsync(string userId, BudgetBody body, HttpContext context, [FromServices] IClusterClient grains)
    {
        if (body.DailyTokens is not { } daily || body.MonthlyTokens is not { } monthly || daily < 0 || monthly < 0)
            return Problems.BadRequest(ErrorCodes.BudgetInvalid, "dailyTokens and monthlyTokens must be whole numbers >= 0.");
        if (daily > monthly)
            return Problems.BadRequest(ErrorCodes.DailyOverMonthly, "The daily limit cannot exceed the monthly limit.");
        if (body.RequestsPerMinute is < 1 or > 100_000)
            return Problems.BadRequest(ErrorCodes.RequestsPerMinuteRange, "requestsPerMinute must be 1 to 100000.");
        var snapshot = await grains.GetGrain<IUserSessionGrain>(userId).SetBudgetAsync(new BudgetLimits(daily, monthly, body.RequestsPerMinute));
        if (snapshot is null) return Problems.NotFound(ErrorCodes.UserNotFound, "User");
        await context.AuditAsync(AuditActions.BudgetChanged, userId,
            $"email={snapshot.Email} daily={daily} monthly={monthly} requests_per_minute={body.RequestsPerMinute?.ToString() ?? "default"}");
        return TypedResults.Ok(ToRow(snapshot));
    }

    /// <summary>A page of the feedback reports, newest first; the number of reports matching is in X-Total-Count.</summary>
    private static async Task<Ok<IReadOnlyList<FeedbackReport>>> FeedbackAsync(HttpContext context, [FromServices] IClusterClient grains,
        string? rating = null, int offset = 0, int take = 200)
    {
        var page = await grains.GetGrain<IFeedbackLogGrain>("all").PageAsync(Math.Max(0, offset), Math.Clamp(take, 1, 500), rating);
        context.Response.Headers["X-Total-Count"] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(page.Reports);
    }

    private sealed class UsageObserver : IUsageObserver
    {
        private readonly Channel<IReadOnlyList<UsageChange>> _changes = Channel.CreateBounded<IReadOnlyList<UsageChange>>(
            new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });

        public ChannelReader<IReadOnlyList<UsageChange>> Changes => _changes.Reader;

        public Task OnUsageChanged(IReadOnlyList<UsageChange> changes)
        {
            _changes.Writer.TryWrite(changes);
            return Task.CompletedTask;
        }
    }
}
