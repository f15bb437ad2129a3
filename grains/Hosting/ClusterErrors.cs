namespace KnowledgeBase.Grains.Hosting;

/// <summary>Failures of a grain call that come from the cluster, not from the call: the target silo died with the call
/// in flight, its connection dropped, or no answer came before the response timeout. Once the membership has declared
/// the silo dead, the same call is activated on a survivor and succeeds. A streamed call whose enumerator lived on the
/// dead silo ends with <see cref="EnumerationAbortedException"/>; asked again, it starts a new enumeration.</summary>
public static class ClusterErrors
{
    public static bool IsTransient(Exception ex) => ex switch
    {
        OrleansMessageRejectionException or SiloUnavailableException or Orleans.Runtime.Messaging.ConnectionFailedException
            or EnumerationAbortedException or TimeoutException => true,
        AggregateException { InnerExceptions.Count: 1 } aggregate => IsTransient(aggregate.InnerExceptions[0]),
        OrleansException { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };
}
