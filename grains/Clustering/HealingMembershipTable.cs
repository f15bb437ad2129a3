using System.Globalization;
using Microsoft.Extensions.Logging;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using StackExchange.Redis;

namespace KnowledgeBase.Grains.Clustering;

/// <summary>The silo's view of the Redis membership table, made to survive the loss of Redis' data (a restart without
/// persistence, a flush, a failover to an empty replica). Orleans accepts a membership table only when its version is
/// newer than the last one it saw, and a silo missing from a newer table kills itself; after a loss the table restarts
/// at version 0 with nobody in it, so without this every silo sits on a stale view that new processes can never join.
/// <para>The rule: a silo that is a member (Joining or Active in the last table it read) and finds itself missing from
/// the table, or finds the table's version lower than the one it last read, writes its own entry back with a version
/// above both. Every silo does this for itself, so the table converges to the live members; until it has, the entries
/// of the last good table that are still missing are shown to Orleans as they were (so no member is dropped from the
/// view while it re-registers), for at most <see cref="RestoreWindow"/>. A background check reads the table every
/// <see cref="CheckInterval"/>, so a loss is healed within seconds even when Orleans itself reads it once a minute.</para></summary>
public sealed partial class HealingMembershipTable : IMembershipTable, IAsyncDisposable
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan RestoreWindow = TimeSpan.FromSeconds(60);
    private const int HealAttempts = 20;

    // Sets the version row only if it still holds what the caller read ("0" also matches a missing row: the
    // provider reads a missing row as version 0).
    private const string SetVersionScript = """
        local v = redis.call('HGET', KEYS[1], 'Version')
        if (v == false and ARGV[1] == '0') or v == ARGV[1] then
          redis.call('HSET', KEYS[1], 'Version', ARGV[2])
          return 1
        end
        return 0
        """;

    private readonly IMembershipTable _inner;
    private readonly SiloAddress _self;
    private readonly RedisClusteringOptions _redis;
    private readonly RedisKey _key;
    private readonly MembershipHealth _health;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _healing = new(1, 1);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private ConnectionMultiplexer? _connection;
    private MembershipTableData? _last;
    private Dictionary<SiloAddress, MembershipEntry>? _restoring;
    // Set when a loss is first met, cleared when the healed table is taken; the members to keep in view are chosen once per loss.
    private bool _restoringChosen;
    private DateTimeOffset _restoringUntil;
    private Task? _check;

    public HealingMembershipTable(IMembershipTable inner, SiloAddress self, RedisClusteringOptions redis, ClusterOptions cluster,
        MembershipHealth health, TimeProvider clock, ILogger<HealingMembershipTable> logger)
    {
        _inner = inner;
        _self = self;
        _redis = redis;
        _key = redis.CreateRedisKey(cluster);
        _health = health;
        _clock = clock;
        _logger = logger;
    }

    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken = default)
    {
        await _inner.InitializeMembershipTableAsync(tryInitTableVersion, cancellationToken);
        _check ??= CheckPeriodicallyAsync();
    }

    public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken = default)
        => _inner.DeleteMembershipTableEntriesAsync(clusterId, cancellationToken);

    public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default)
        => _inner.CleanupDefunctSiloEntriesAsync(beforeDate, cancellationToken);

    public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken = default) => _inner.ReadRowAsync(key, cancellationToken);

    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken = default)
        => _inner.InsertRowAsync(entry, tableVersion, cancellationToken);

    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken = default)
        => _inner.UpdateRowAsync(entry, etag, tableVersion, cancellationToken);

    public async Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken = default)
    {
        try
        {
            await _inner.UpdateIAmAliveAsync(entry, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisClusteringException or RedisServerException && IsMember(_last))
        {
            // The provider's script found no row for this silo (or no table at all): the table was lost. Reading it
            // re-registers this silo with a fresh IAmAlive time; anything else fails the update as before.
            var table = await ReadAllAsync(cancellationToken);
            if (table.TryGet(_self) is null) throw;
        }
    }

    // The pre-10 members, for callers that still use them.
    Task IMembershipTable.InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion);
    Task IMembershipTable.DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId);
    Task IMembershipTable.CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate);
    Task<MembershipTableData> IMembershipTable.ReadRow(SiloAddress key) => ReadRowAsync(key);
    Task<MembershipTableData> IMembershipTable.ReadAll() => ReadAllAsync();
    Task<bool> IMembershipTable.InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion);
    Task<bool> IMembershipTable.UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion);
    Task IMembershipTable.UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry);

    public async Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        MembershipTableData data;
        try
        {
            var current = await ReadCurrentAsync(cancellationToken);
            if (IsLost(current))
            {
                await HealAsync();
                current = await ReadCurrentAsync(cancellationToken);
            }
            // Only a table that lost its version row reads as null; a member that could not heal it reports the error.
            data = current ?? throw new RedisClusteringException("The membership table has no version row (Redis lost its data) and is not restored yet.");
        }
        catch (Exception ex)
        {
            _health.ReadFailed(ex, _clock.GetUtcNow());
            throw;
        }
        MembershipTableData shown;
        lock (_gate)
        {
            shown = Restore(data);
            if (_last is null || data.Version.Version >= _last.Version.Version) _last = data;
        }
        _health.Read(IsMember(data), _clock.GetUtcNow());
        return shown;
    }

    /// <summary>The table as stored, or null when it has no version row (the provider refuses to read it then).</summary>
    private async Task<MembershipTableData?> ReadCurrentAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _inner.ReadAllAsync(cancellationToken);
        }
        catch (RedisClusteringException) when (_last is not null)
        {
            return null;
        }
    }

    private bool IsMember(MembershipTableData? table) => table?.TryGet(_self) is { Item1.Status: SiloStatus.Active or SiloStatus.Joining };

    /// <summary>The table lost data since the last read: it is gone, its version went back, or this silo (a member) is
    /// missing from it.</summary>
    private bool IsLost(MembershipTableData? data)
        => _last is { } last && IsMember(last) && (data is null || data.Version.Version < last.Version.Version || data.TryGet(_self) is null);

    private async Task HealAsync()
    {
        await _healing.WaitAsync();
        try
        {
            var last = _last!;
            var mine = last.TryGet(_self)!.Item1;
            for (var attempt = 1; attempt <= HealAttempts; attempt++)
            {
                var current = await ReadCurrentAsync();
                var currentVersion = current?.Version ?? new TableVersion(0, "0");
                if (current?.TryGet(_self) is not null && currentVersion.Version >= last.Version.Version)
                {
                    _restoringChosen = false;
                    return;
                }
                if (!_restoringChosen)
                {
                    // Kept in view: the other members the last good table showed joining or active that still have a
                    // process listening. A silo that died shortly before the loss (not yet declared dead) refuses the
                    // connection and stays out, so no silo's view, and no row written from a view, brings it back.
                    var missing = last.Members.Select(m => m.Item1)
                        .Where(e => e.Status is SiloStatus.Active or SiloStatus.Joining && !e.SiloAddress.Equals(_self) && current?.TryGet(e.SiloAddress) is null)
                        .ToList();
                    var listening = await Reachability.ListeningAsync(missing, e => e.SiloAddress.Endpoint);
                    lock (_gate)
                    {
                        _restoring = listening.ToDictionary(e => e.SiloAddress);
                        // This silo too, in case it cannot write its row: a silo missing from its own view stops itself.
                        _restoring[_self] = mine;
                        _restoringUntil = _clock.GetUtcNow() + RestoreWindow;
                        _restoringChosen = true;
                    }
                    _health.Lost(_clock.GetUtcNow());
                    LogLost(_logger, currentVersion.Version, last.Version.Version, listening.Count,
                        string.Join(", ", missing.Except(listening).Select(e => e.SiloAddress)));
                }
                // The version goes above every version any member has seen, so that Orleans takes the healed table as new.
                var below = Math.Max(currentVersion.Version, last.Version.Version);
                if ((current is null || below != currentVersion.Version) && !await SetVersionAsync(currentVersion, below)) continue;
                var entry = Copy(mine);
                entry.IAmAliveTime = _clock.GetUtcNow().UtcDateTime;
                entry.SuspectTimes = [];
                // The provider writes a row only at the version right after the one the table holds (the etag).
                var etag = below.ToString(CultureInfo.InvariantCulture);
                var next = new TableVersion(below + 1, etag);
                if (current?.TryGet(_self) is null ? await _inner.InsertRowAsync(entry, next) : await _inner.UpdateRowAsync(entry, etag, next))
                {
                    _restoringChosen = false;
                    _health.Healed(_clock.GetUtcNow());
                    LogHealed(_logger, _self, next.Version, attempt);
                    return;
                }
                // Another silo wrote first; read again and go above it.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 200)));
            }
            LogGaveUp(_logger, HealAttempts);
        }
        finally
        {
            _healing.Release();
        }
    }

    private async Task<bool> SetVersionAsync(TableVersion expected, int version)
    {
        _connection ??= await ConnectionMultiplexer.ConnectAsync(_redis.ConfigurationOptions!.Clone());
        var result = await _connection.GetDatabase().ScriptEvaluateAsync(SetVersionScript, [_key],
            [expected.Version.ToString(CultureInfo.InvariantCulture), version.ToString(CultureInfo.InvariantCulture)]);
        return (int)result == 1;
    }

    /// <summary>While members re-register after a loss, the ones not back yet are shown as they were in the last good table.</summary>
    private MembershipTableData Restore(MembershipTableData data)
    {
        if (_restoring is null) return data;
        foreach (var silo in _restoring.Keys.Where(s => data.TryGet(s) is not null).ToList()) _restoring.Remove(silo);
        if (_restoring.Count == 0 || _clock.GetUtcNow() > _restoringUntil)
        {
            if (_restoring.Count > 0) LogNotBack(_logger, _restoring.Count, string.Join(", ", _restoring.Keys));
            _restoring = null;
            return data;
        }
        var members = data.Members.ToList();
        members.AddRange(_restoring.Values.Select(e => Tuple.Create(Copy(e), data.Version.VersionEtag)));
        return new MembershipTableData(members, data.Version);
    }

    private static MembershipEntry Copy(MembershipEntry e) => new()
    {
        SiloAddress = e.SiloAddress, Status = e.Status, SuspectTimes = e.SuspectTimes is null ? null : [.. e.SuspectTimes], ProxyPort = e.ProxyPort,
        HostName = e.HostName, SiloName = e.SiloName, RoleName = e.RoleName, UpdateZone = e.UpdateZone, FaultZone = e.FaultZone,
        StartTime = e.StartTime, IAmAliveTime = e.IAmAliveTime,
    };

    private async Task CheckPeriodicallyAsync()
    {
        using var timer = new PeriodicTimer(CheckInterval, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    await ReadAllAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogCheckFailed(_logger, ex.GetType().Name, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_check is not null) await _check;
        if (_connection is not null) await _connection.DisposeAsync();
        if (_inner is IAsyncDisposable inner) await inner.DisposeAsync();
        _stop.Dispose();
        _healing.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Membership table lost its data (version {Version}, last seen {LastVersion}); re-registering this silo and keeping {Missing} members in view while they do the same; left out (nothing listening): {Gone}")]
    private static partial void LogLost(ILogger logger, int version, int lastVersion, int missing, string gone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {Silo} re-registered in the membership table at version {Version} (attempt {Attempt})")]
    private static partial void LogHealed(ILogger logger, SiloAddress silo, int version, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not re-register in the membership table after {Attempts} attempts; readiness reports it and the next check tries again")]
    private static partial void LogGaveUp(ILogger logger, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} members did not re-register after the membership table was lost and leave the view: {Silos}")]
    private static partial void LogNotBack(ILogger logger, int count, string silos);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Membership check failed: {Error}: {Message}")]
    private static partial void LogCheckFailed(ILogger logger, string error, string message);
}
