using System.Collections.Concurrent;

namespace KnowledgeBase.Api.Hosting;

/// <summary>Session grain references by user, kept for the life of the cluster client: Orleans resolves an interface's
/// grain type by reflection on every GetGrain call, which showed in profiles of the chat path.</summary>
public sealed class SessionGrains(IClusterClient client)
{
    private const int MaxKept = 100_000;
    private readonly ConcurrentDictionary<string, IUserSessionGrain> _references = new(StringComparer.Ordinal);

    public IUserSessionGrain For(string userId)
    {
        if (_references.TryGetValue(userId, out var grain)) return grain;
        if (_references.Count >= MaxKept) _references.Clear();
        return _references[userId] = client.GetGrain<IUserSessionGrain>(userId);
    }
}
