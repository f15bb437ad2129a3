using System.ClientModel;
using System.Net;
using System.Net.Sockets;

namespace KnowledgeBase.Grains.Models;

/// <summary>Decides whether a model call failed in a way worth retrying (rate limit, server error, timeout, dropped connection).</summary>
public static class TransientErrors
{
    // System.ClientModel reports its NetworkTimeout as a TaskCanceledException with this wording and the aborted
    // socket read inside; a caller's own cancellation has the same inner chain, so the wording is what tells them apart.
    private const string ClientModelTimeout = "exceeded the configured timeout";

    public static bool IsTransient(Exception ex) => ex switch
    {
        ClientResultException cre => cre.Status is 408 or 429 or >= 500,
        HttpRequestException hre => hre.StatusCode is null or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
            || (int?)hre.StatusCode >= 500,
        TimeoutException => true,
        OperationCanceledException oce => IsTimeout(oce),
        IOException or SocketException => true,
        _ => ex.InnerException is not null && IsTransient(ex.InnerException),
    };

    /// <summary>As <see cref="IsTransient(Exception)"/>, but any cancellation that is not the caller's counts as a timeout.</summary>
    public static bool IsTransient(Exception ex, CancellationToken callerToken)
        => !callerToken.IsCancellationRequested && (ex is OperationCanceledException || IsTransient(ex));

    private static bool IsTimeout(OperationCanceledException oce)
    {
        for (Exception? e = oce; e is not null; e = e.InnerException)
            if (e is TimeoutException || e.Message.Contains(ClientModelTimeout, StringComparison.Ordinal)) return true;
        return false;
    }
}
