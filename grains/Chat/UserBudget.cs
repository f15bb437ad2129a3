namespace KnowledgeBase.Grains.Chat;

public enum RefusalReason { RateLimited, DailyBudget, MonthlyBudget }

/// <summary>Why a turn was not admitted, and the seconds after which it may be retried.</summary>
public sealed record BudgetRefusal(RefusalReason Reason, int RetryAfterSeconds);

/// <summary>The tokens one admitted turn holds against the budget until it is settled.</summary>
public sealed class Reservation
{
    internal long Tokens { get; set; }
    public bool IsOpen { get; internal set; } = true;
}

/// <summary>One user's rate limit and token budget over the stored period totals. Pure: no grain, storage or clock, so
/// every rule is tested without a cluster. A turn reserves its worst case before any model call and settles its real
/// usage after, so concurrent turns can never overspend.</summary>
public sealed class UserBudget
{
    private readonly UserSessionState _state;
    private readonly BudgetPeriods _periods;
    private readonly int _defaultRequestsPerMinute;
    private readonly TokenBucket _requests;

    public UserBudget(UserSessionState state, BudgetPeriods periods, int defaultRequestsPerMinute)
    {
        _state = state;
        _periods = periods;
        _defaultRequestsPerMinute = defaultRequestsPerMinute;
        _requests = new TokenBucket(RequestsPerMinute);
    }

    /// <summary>Tokens held by turns that are admitted and not yet settled.</summary>
    public long Reserved { get; private set; }

    public int RequestsPerMinute => Math.Max(1, _state.Limits?.RequestsPerMinute ?? _defaultRequestsPerMinute);

    public int RequestsLastMinute(DateTimeOffset now) => _requests.CountLastMinute(now);

    /// <summary>New limits; requests already made this minute still count against the new rate limit.</summary>
    public void SetLimits(BudgetLimits limits)
    {
        _state.Limits = limits;
        _requests.SetLimit(RequestsPerMinute);
    }

    /// <summary>Takes one request from the rate limit and reserves the turn's worst case; null when either refuses.</summary>
    public Reservation? TryAdmit(long worstCaseTokens, DateTimeOffset now, out BudgetRefusal? refusal)
    {
        if (_requests.TryTake(now) is { } wait)
        {
            refusal = new BudgetRefusal(RefusalReason.RateLimited, wait);
            return null;
        }
        refusal = BudgetRefusal(worstCaseTokens, now);
        if (refusal is not null) return null;
        var reservation = new Reservation();
        Resize(reservation, worstCaseTokens);
        return reservation;
    }

    /// <summary>Why <paramref name="tokens"/> more would not fit today's or this month's budget (with what admitted turns
    /// hold); null when they fit.</summary>
    public BudgetRefusal? BudgetRefusal(long tokens, DateTimeOffset now)
    {
        RollPeriods(now);
        var limits = _state.Limits!;
        var daily = _state.UsedToday + Reserved + tokens > limits.DailyTokens;
        if (!daily && _state.UsedThisMonth + Reserved + tokens <= limits.MonthlyTokens) return null;
        return daily
            ? new BudgetRefusal(RefusalReason.DailyBudget, SecondsUntil(now, 60, 86_400, p => p.Day != _state.Day))
            : new BudgetRefusal(RefusalReason.MonthlyBudget, SecondsUntil(now, 3600, 32 * 86_400, p => p.Month != _state.Month));
    }

    /// <summary>Charges usage that needed no reservation (a search's query embedding): added to the period totals at once,
    /// without counting as a chat request. Returns what <see cref="Refund(long, decimal, string, string)"/> takes back.</summary>
    public (string Day, string Month) Charge(long tokens, decimal cost, DateTimeOffset now)
    {
        RollPeriods(now);
        _state.UsedToday += tokens;
        _state.UsedThisMonth += tokens;
        _state.CostToday += cost;
        _state.CostThisMonth += cost;
        _state.Sequence++;
        return (_state.Day, _state.Month);
    }

    /// <summary>Holds a different amount for an open reservation (the prompt's real worst case once it is built).</summary>
    public void Resize(Reservation reservation, long tokens)
    {
        if (!reservation.IsOpen) return;
        Reserved += tokens - reservation.Tokens;
        reservation.Tokens = tokens;
    }

    /// <summary>Gives the reservation back without charging (the turn was not stored).</summary>
    public void Release(Reservation reservation)
    {
        if (!reservation.IsOpen) return;
        Reserved -= reservation.Tokens;
        reservation.Tokens = 0;
        reservation.IsOpen = false;
    }

    /// <summary>Replaces the reservation with the real usage, in one step, so a concurrent turn never sees the budget free
    /// in between.</summary>
    public void Settle(Reservation reservation, TokenUsage usage, decimal cost, DateTimeOffset now)
    {
        if (!reservation.IsOpen) throw new InvalidOperationException("A turn is settled once.");
        Release(reservation);
        RollPeriods(now);
        _state.UsedToday += usage.TotalTokens;
        _state.UsedThisMonth += usage.TotalTokens;
        _state.CostToday += cost;
        _state.CostThisMonth += cost;
        _state.RequestsToday++;
        _state.RequestsThisMonth++;
        _state.Sequence++;
    }

    /// <summary>Takes back the charge of a turn that was never stored, from the periods it was charged in (a period that
    /// has rolled over since is left as it was).</summary>
    public void Refund(UnconfirmedTurn turn) => Refund(turn.Tokens, turn.Cost, turn.Day, turn.Month);

    /// <summary>Takes back a charge made in the given periods (a period that has rolled over since is left as it was).</summary>
    public void Refund(long tokens, decimal cost, string day, string month)
    {
        if (_state.Day == day)
        {
            _state.UsedToday = Math.Max(0, _state.UsedToday - tokens);
            _state.CostToday = Math.Max(0, _state.CostToday - cost);
        }
        if (_state.Month == month)
        {
            _state.UsedThisMonth = Math.Max(0, _state.UsedThisMonth - tokens);
            _state.CostThisMonth = Math.Max(0, _state.CostThisMonth - cost);
        }
        _state.Sequence++;
    }

    /// <summary>The period totals as the cost ledger records them (idempotent by sequence).</summary>
    public UserSpend Spend(string userId, DateTimeOffset now) => new(userId, _state.Day, _state.Month, _state.UsedToday, _state.UsedThisMonth,
        _state.CostToday, _state.CostThisMonth, _state.RequestsToday, _state.RequestsThisMonth, _state.Sequence, now);

    /// <summary>Today's and this month's totals as of now (zero once a period has rolled over, before any turn rolls it),
    /// and the tokens held: reserved by admitted turns, or charged for turns not yet confirmed stored. A charge counts as
    /// used only once its turn is stored, so what the user is shown as used is always what the stored turns cost.</summary>
    public (long TokensToday, long TokensThisMonth, decimal CostToday, decimal CostThisMonth, long Held) Totals(DateTimeOffset now)
    {
        var (day, month) = _periods.At(now);
        var unconfirmed = _state.Unconfirmed ?? [];
        long Tokens(Func<UnconfirmedTurn, bool> of) => unconfirmed.Where(of).Sum(t => t.Tokens);
        decimal Cost(Func<UnconfirmedTurn, bool> of) => unconfirmed.Where(of).Sum(t => t.Cost);
        bool Today(UnconfirmedTurn t) => t.Day == day;
        bool ThisMonth(UnconfirmedTurn t) => t.Month == month;
        return (_state.Day == day ? _state.UsedToday - Tokens(Today) : 0, _state.Month == month ? _state.UsedThisMonth - Tokens(ThisMonth) : 0,
            _state.Day == day ? _state.CostToday - Cost(Today) : 0, _state.Month == month ? _state.CostThisMonth - Cost(ThisMonth) : 0,
            Reserved + Tokens(Today));
    }

    private void RollPeriods(DateTimeOffset now)
    {
        var (day, month) = _periods.At(now);
        if (_state.Day != day)
        {
            _state.Day = day;
            _state.UsedToday = 0;
            _state.CostToday = 0;
            _state.RequestsToday = 0;
        }
        if (_state.Month != month)
        {
            _state.Month = month;
            _state.UsedThisMonth = 0;
            _state.CostThisMonth = 0;
            _state.RequestsThisMonth = 0;
        }
    }

    /// <summary>Seconds until the period the state is in has ended, found in steps (the zone's offsets make it irregular).</summary>
    private int SecondsUntil(DateTimeOffset now, int step, int max, Func<(string Day, string Month), bool> ended)
    {
        for (var s = step; s <= max; s += step)
            if (ended(_periods.At(now.AddSeconds(s)))) return s;
        return max;
    }
}
