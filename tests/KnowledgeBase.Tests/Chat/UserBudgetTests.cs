using KnowledgeBase.Grains.Chat;

namespace KnowledgeBase.Tests.Chat;

/// <summary>The budget rules without a cluster: reserve the worst case, settle the real usage, refuse with the right
/// reason and a retry time in the company's time zone.</summary>
public sealed class UserBudgetTests
{
    private static readonly BudgetPeriods Seoul = BudgetPeriods.FromId("Asia/Seoul");
    // 2026-03-31 23:30 in Seoul: thirty minutes before both a new day and a new month.
    private static readonly DateTimeOffset LateMonthEnd = new(2026, 3, 31, 14, 30, 0, TimeSpan.Zero);

    private static UserBudget Budget(long daily = 10_000, long monthly = 100_000, int? perMinute = 100, UserSessionState? state = null)
    {
        state ??= new UserSessionState();
        var budget = new UserBudget(state, Seoul, defaultRequestsPerMinute: 20);
        budget.SetLimits(new BudgetLimits(daily, monthly, perMinute));
        return budget;
    }

    [Fact]
    public void Reservations_of_turns_in_flight_count_against_the_daily_budget()
    {
        var budget = Budget(daily: 10_000);
        var first = budget.TryAdmit(6_000, LateMonthEnd, out _);
        Assert.NotNull(first);
        Assert.Null(budget.TryAdmit(6_000, LateMonthEnd, out var refusal));
        Assert.Equal(RefusalReason.DailyBudget, refusal!.Reason);
        Assert.Equal(30 * 60, refusal.RetryAfterSeconds); // Seoul midnight, not UTC midnight

        budget.Resize(first!, 3_000); // the prompt turned out smaller than the worst case
        Assert.NotNull(budget.TryAdmit(6_000, LateMonthEnd, out _));
        Assert.Equal(9_000, budget.Reserved);
    }

    [Fact]
    public void Settling_replaces_the_reservation_with_real_usage_and_counts_the_request()
    {
        var state = new UserSessionState();
        var budget = Budget(state: state);
        var reservation = budget.TryAdmit(5_000, LateMonthEnd, out _)!;
        budget.Settle(reservation, new TokenUsage(1_200, 300, 1_500), 0.25m, LateMonthEnd);

        Assert.Equal(0, budget.Reserved);
        Assert.Equal((1_500L, 1_500L, 0.25m, 0.25m, 0L), budget.Totals(LateMonthEnd));
        Assert.Equal((1L, 1L), (state.RequestsToday, state.Sequence));
        Assert.Throws<InvalidOperationException>(() => budget.Settle(reservation, new TokenUsage(1, 1, 2), 0m, LateMonthEnd));
    }

    [Fact]
    public void A_charge_whose_turn_is_not_yet_stored_is_shown_held_not_used_and_a_refund_takes_it_back()
    {
        var state = new UserSessionState();
        var budget = Budget(state: state);
        budget.Settle(budget.TryAdmit(5_000, LateMonthEnd, out _)!, new TokenUsage(1_200, 300, 1_500), 0.25m, LateMonthEnd);
        budget.Settle(budget.TryAdmit(5_000, LateMonthEnd, out _)!, new TokenUsage(600, 100, 700), 0.10m, LateMonthEnd);
        var pending = new UnconfirmedTurn("conv_1", "msg_2", "질문", LateMonthEnd, 700, 0.10m, state.Day, state.Month);
        state.Unconfirmed = [pending];

        Assert.Equal((1_500L, 1_500L, 0.25m, 0.25m, 700L), budget.Totals(LateMonthEnd));
        budget.Refund(pending);
        state.Unconfirmed = null;
        Assert.Equal((1_500L, 1_500L, 0.25m, 0.25m, 0L), budget.Totals(LateMonthEnd));
        Assert.Equal(3L, state.Sequence); // the ledger takes the lower total as newer
    }

    [Fact]
    public void A_released_turn_costs_nothing()
    {
        var budget = Budget();
        var reservation = budget.TryAdmit(5_000, LateMonthEnd, out _)!;
        budget.Release(reservation);
        Assert.Equal(0, budget.Reserved);
        Assert.Equal(0, budget.Totals(LateMonthEnd).TokensToday);
    }

    [Fact]
    public void The_monthly_budget_refuses_until_the_next_month_in_seoul()
    {
        var budget = Budget(daily: 1_000_000, monthly: 10_000);
        budget.Settle(budget.TryAdmit(1, LateMonthEnd, out _)!, new TokenUsage(9_000, 500, 9_500), 0m, LateMonthEnd);
        Assert.Null(budget.TryAdmit(1_000, LateMonthEnd, out var refusal));
        Assert.Equal(RefusalReason.MonthlyBudget, refusal!.Reason);
        Assert.Equal(3_600, refusal.RetryAfterSeconds);

        var nextMonth = LateMonthEnd.AddHours(1);
        Assert.Equal(0, budget.Totals(nextMonth).TokensThisMonth);
        Assert.NotNull(budget.TryAdmit(1_000, nextMonth, out _));
    }

    [Fact]
    public void Requests_beyond_the_rate_limit_are_refused_with_the_wait()
    {
        var budget = Budget(perMinute: 2);
        Assert.NotNull(budget.TryAdmit(1, LateMonthEnd, out _));
        Assert.NotNull(budget.TryAdmit(1, LateMonthEnd, out _));
        Assert.Null(budget.TryAdmit(1, LateMonthEnd, out var refusal));
        Assert.Equal((RefusalReason.RateLimited, 30), (refusal!.Reason, refusal.RetryAfterSeconds));
        Assert.Equal(2, budget.RequestsLastMinute(LateMonthEnd));
    }

    [Fact]
    public void Changing_the_rate_limit_keeps_the_requests_already_made()
    {
        var budget = Budget(perMinute: 3);
        for (var i = 0; i < 3; i++) Assert.NotNull(budget.TryAdmit(1, LateMonthEnd, out _));

        // Raising the limit by one frees one request, not a fresh burst of four.
        budget.SetLimits(new BudgetLimits(10_000, 100_000, 4));
        Assert.NotNull(budget.TryAdmit(1, LateMonthEnd, out _));
        Assert.Null(budget.TryAdmit(1, LateMonthEnd, out var refusal));
        Assert.Equal(RefusalReason.RateLimited, refusal!.Reason);
        Assert.Equal((4, 4), (budget.RequestsPerMinute, budget.RequestsLastMinute(LateMonthEnd)));
    }

    [Fact]
    public void A_user_without_a_rate_limit_of_their_own_gets_the_default()
    {
        var budget = Budget(perMinute: null);
        Assert.Equal(20, budget.RequestsPerMinute);
    }
}
