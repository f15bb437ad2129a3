using KnowledgeBase.Grains.Accounts;

namespace KnowledgeBase.Grains;

public sealed record UserDirectoryState
{
    /// <summary>The layout of this record; a later release that changes it migrates from this number on purpose.</summary>
    public int SchemaVersion { get; set; } = 1;

    public Dictionary<string, UserProfile> Users { get; init; } = new();
}

/// <summary>Every registered user, for the admin console's tables and pickers. One activation; written when an account
/// is created, deleted or its role changes (the account hands the role over). The usage table's order (today's spend,
/// then e-mail) is kept between pages and rebuilt only when the users or the day ledger changed, so a page costs its own
/// rows.</summary>
public sealed class UserDirectoryGrain(
    [PersistentState("directory", "kb")] IPersistentState<UserDirectoryState> state) : Grain, IUserDirectoryGrain
{
    private (string Ledger, long Change, List<UserProfile> Users)? _bySpend;

    public async Task AddAsync(UserProfile profile)
    {
        state.State.Users[profile.UserId] = profile;
        await state.WriteStateAsync();
        _bySpend = null;
    }

    public async Task AddManyAsync(IReadOnlyList<UserProfile> profiles)
    {
        foreach (var profile in profiles) state.State.Users[profile.UserId] = profile;
        await state.WriteStateAsync();
        _bySpend = null;
    }

    public async Task<UserPage> PageBySpendAsync(string dayLedger, int offset, int limit)
    {
        // Unknown (never a ledger's change number) when the users changed or the day turned: the ledger then answers.
        var known = _bySpend is { } cached && cached.Ledger == dayLedger ? cached.Change : long.MinValue;
        if (await GrainFactory.GetGrain<ICostLedgerGrain>(dayLedger).GetTokensByUserAsync(known) is { } spend)
            _bySpend = (dayLedger, spend.Change, state.State.Users.Values
                .OrderByDescending(u => spend.Tokens.GetValueOrDefault(u.UserId))
                .ThenBy(u => u.Email, StringComparer.Ordinal)
                .ToList());
        var users = _bySpend!.Value.Users;
        return new UserPage(users.Skip(Math.Max(0, offset)).Take(Math.Max(0, limit)).ToList(), users.Count);
    }

    public Task<UserPage> QueryAsync(UserQuery query)
    {
        var prefix = query.Prefix?.Trim();
        IEnumerable<UserProfile> users = query.UserIds is { } ids
            ? ids.Distinct(StringComparer.Ordinal).Select(id => state.State.Users.GetValueOrDefault(id)).OfType<UserProfile>()
            : state.State.Users.Values;
        if (!string.IsNullOrEmpty(prefix))
            users = users.Where(u => u.Email.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || u.DisplayName.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        var matching = users.ToList();
        var page = matching.OrderBy(u => u.DisplayName, StringComparer.Ordinal).ThenBy(u => u.Email, StringComparer.Ordinal)
            .Skip(query.Skip).Take(query.Take).ToList();
        return Task.FromResult(new UserPage(page, matching.Count));
    }

    public Task<UserProfile?> FindAsync(string userId) => Task.FromResult(state.State.Users.GetValueOrDefault(userId));

    public async Task RemoveAsync(string userId)
    {
        if (!state.State.Users.Remove(userId)) return;
        await state.WriteStateAsync();
        _bySpend = null;
    }

    public Task<IReadOnlyList<UserProfile>> ListAsync()
        => Task.FromResult<IReadOnlyList<UserProfile>>(state.State.Users.Values.OrderBy(u => u.CreatedAt).ToList());
}
