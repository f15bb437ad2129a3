using System.Net;
using System.Net.Sockets;

namespace KnowledgeBase.Grains.Clustering;

/// <summary>Whether a cluster endpoint still has a process listening: a TCP connect, nothing sent. A killed process's
/// port refuses at once; a hung (paused) one still accepts, and membership's probes find it instead. Used only where
/// the membership table cannot say (Redis lost its data), to keep a dead silo out of a view rebuilt from memory.</summary>
public static class Reachability
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    public static async Task<bool> IsListeningAsync(IPEndPoint endpoint, CancellationToken cancellationToken = default)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // No answer within the timeout (a dropped SYN, an overloaded host): not known to be gone.
            return true;
        }
    }

    /// <summary>The items whose endpoint still has a process listening, checked all at once.</summary>
    public static async Task<List<T>> ListeningAsync<T>(IEnumerable<T> items, Func<T, IPEndPoint> endpoint, CancellationToken cancellationToken = default)
    {
        var list = items.ToList();
        var listening = await Task.WhenAll(list.Select(i => IsListeningAsync(endpoint(i), cancellationToken)));
        return list.Where((_, n) => listening[n]).ToList();
    }
}
