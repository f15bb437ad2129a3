using System.Collections.Concurrent;
using Orleans.Storage;

namespace KnowledgeBase.Grains.Storage;

/// <summary>
/// Grain storage on SQLite with its writes taken one at a time in this process. SQLite has a single writer: a write
/// that meets another gets SQLITE_BUSY, and Microsoft.Data.Sqlite then blocks its thread for 150 ms before retrying
/// (it does not use SQLite's own finer busy handler, and the pragma that would turn it on returns a row, which the
/// Orleans provider would read as its result). Under load that put 150-450 ms stalls into chat turns and left
/// thread-pool threads asleep. Here writers wait their turn asynchronously instead; reads go straight through (WAL
/// readers never wait for a writer). Writers in other processes on the same file are still arbitrated by SQLite.
/// </summary>
public sealed class SqliteWriteGate(IGrainStorage inner, string connectionString) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    // One gate per database (its connection string names the full path), shared by every silo of this process.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = Gates.GetOrAdd(connectionString, _ => new SemaphoreSlim(1, 1));

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => InTurnAsync(() => inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => InTurnAsync(() => inner.ClearStateAsync(stateName, grainId, grainState));

    private async Task InTurnAsync(Func<Task> write)
    {
        await _gate.WaitAsync();
        try
        {
            await write();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The wrapped provider reads its queries from the database when the silo starts.</summary>
    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);
}
