using System.Data.Common;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace KnowledgeBase.Grains.Hosting;

/// <summary>The one rule for every grain with state, and for temporary outages, applied to every grain call on the silo:
/// <list type="bullet">
/// <item>A storage version conflict (<see cref="InconsistentStateException"/>: another activation of the same grain wrote
/// its state first, as happens for a moment during failover) deactivates the activation, so the next call activates it
/// again from the stored state. The grain never keeps writing with a stale version; the caller gets a 503 to retry.</item>
/// <item>A database, vector-store or cluster failure leaves the grain as a <see cref="TransientException"/> with a code,
/// which every process can deserialise (driver exceptions cannot cross the grain boundary), and becomes 503 +
/// Retry-After at the api.</item>
/// </list>
/// Streamed calls (chat) are covered too: each step of the enumeration is a grain call through this filter.</summary>
public sealed class TransientFailureFilter(ILogger<TransientFailureFilter> logger) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        Task call;
        try
        {
            call = context.Invoke();
        }
        catch (Exception ex) when (Translate(context, ex) is { } transient)
        {
            return Task.FromException(transient);
        }
        // No extra state machine on the hot path: most calls complete or stay pending without an error.
        return call.IsCompletedSuccessfully ? call : AwaitAsync(context, call);
    }

    private async Task AwaitAsync(IIncomingGrainCallContext context, Task call)
    {
        try
        {
            await call;
        }
        catch (Exception ex) when (Translate(context, ex) is { } transient)
        {
            throw transient;
        }
    }

    private TransientException? Translate(IIncomingGrainCallContext context, Exception ex)
        => Translate(context.TargetContext, context.InterfaceMethod?.Name, ex, logger);

    /// <summary>The rule for one error of a call to <paramref name="grain"/>: null when the error is not transient (it
    /// stays as it is); otherwise the exception to throw instead, after deactivating the grain on a state conflict.</summary>
    public static TransientException? Translate(IGrainContext grain, string? method, Exception ex, ILogger logger)
    {
        var transient = Translate(grain, method, ex, logger, out var conflict);
        if (conflict) Deactivate(grain);
        return transient;
    }

    /// <summary>Whether the error is a storage version conflict (which a grain must not swallow: see the rule above).</summary>
    public static bool IsStateConflict(Exception ex)
        => ex is InconsistentStateException || (ex is OrleansException or AggregateException && Classify(ex) == TransientCodes.StateConflict);

    private static TransientException? Translate(IGrainContext grain, string? method, Exception ex, ILogger logger, out bool conflict)
    {
        var code = Classify(ex);
        conflict = code is not null && IsStateConflict(ex);
        if (code is null) return null;
        if (conflict) logger.LogWarning("State version conflict in {Grain} ({Method}); deactivating so the next call reads the stored state", grain.GrainId, method);
        else logger.LogWarning("{Code} in {Grain} ({Method}): {Error}: {Message}", code, grain.GrainId, method, ex.GetType().Name, ex.Message);
        return ex as TransientException ?? new TransientException(code, Description(code));
    }

    private static void Deactivate(IGrainContext grain)
        => grain.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, "state version conflict: re-read on next call"));

    /// <summary>The same rule for a streamed grain method (chat). Orleans hands an enumeration's error to the caller as a
    /// result, past the call filters, so the grain wraps its stream with this.</summary>
    public static IAsyncEnumerable<T> Guard<T>(IAsyncEnumerable<T> source, IGrainContext grain, string method, ILogger logger,
        CancellationToken cancellationToken = default)
        => new GuardedStream<T>(source, grain, method, logger, cancellationToken);

    /// <summary>A stream whose state conflict deactivates the grain only when Orleans disposes the enumeration, which it
    /// does while answering the caller's request that collects the error. The stream runs on between requests: had the
    /// grain been deactivated the moment the conflict happened, the enumeration would have gone with it and the caller
    /// would have got an aborted enumeration instead of the 503.</summary>
    private sealed class GuardedStream<T>(IAsyncEnumerable<T> source, IGrainContext grain, string method, ILogger logger,
        CancellationToken cancellationToken) : IAsyncEnumerable<T>
    {
        public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken enumeratorCancellation = default)
        {
            var token = enumeratorCancellation.CanBeCanceled ? enumeratorCancellation : cancellationToken;
            return new Enumerator(source.GetAsyncEnumerator(token), grain, method, logger);
        }

        private sealed class Enumerator(IAsyncEnumerator<T> items, IGrainContext grain, string method, ILogger logger) : IAsyncEnumerator<T>
        {
            private bool _conflict;

            public T Current => items.Current;

            public async ValueTask<bool> MoveNextAsync()
            {
                try
                {
                    return await items.MoveNextAsync();
                }
                catch (Exception ex) when (Translate(grain, method, ex, logger, out var conflict) is { } transient)
                {
                    _conflict |= conflict;
                    throw transient;
                }
            }

            public async ValueTask DisposeAsync()
            {
                try
                {
                    await items.DisposeAsync();
                }
                finally
                {
                    if (_conflict) Deactivate(grain);
                }
            }
        }
    }

    /// <summary>The transient code of an error raised inside a grain, or null for every other error (which stays as is).</summary>
    public static string? Classify(Exception ex) => ex switch
    {
        TransientException t => t.Code,
        InconsistentStateException => TransientCodes.StateConflict,
        DbException => TransientCodes.Storage,
        VectorStoreUnavailableException => TransientCodes.VectorStore,
        // Membership (Redis) unreadable or being rewritten: cluster-level calls such as the admin view fail for a moment.
        StackExchange.Redis.RedisConnectionException or StackExchange.Redis.RedisTimeoutException
            or Orleans.Clustering.Redis.RedisClusteringException => TransientCodes.Cluster,
        _ when ClusterErrors.IsTransient(ex) => TransientCodes.Cluster,
        AggregateException { InnerExceptions.Count: 1 } aggregate => Classify(aggregate.InnerExceptions[0]),
        // Orleans' storage providers wrap the driver's error (e.g. ADO.NET storage: OrleansException around an NpgsqlException).
        OrleansException { InnerException: { } inner } => Classify(inner),
        _ => null,
    };

    private static string Description(string code) => code switch
    {
        TransientCodes.StateConflict => "the grain's stored state changed under it; it was deactivated and re-reads it on the next call",
        TransientCodes.Storage => "the grain-state database is unavailable",
        TransientCodes.VectorStore => "the vector store is unavailable",
        _ => "a server of the cluster is briefly unavailable",
    };
}
