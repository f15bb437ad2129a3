namespace KnowledgeBase.Grains.Retrieval;

/// <summary>This process's copy of the admin-managed synonym sets, replaced whole when the sets change (pushed from
/// the synonyms grain); query expansion reads it on every question, so a change applies without reindexing.</summary>
public sealed class SynonymRegistry
{
    private readonly Lock _gate = new();
    private volatile Snapshot _current = new(0, []);

    public sealed record Snapshot(long Version, IReadOnlyList<SynonymSet> Sets);

    public Snapshot Current => _current;

    /// <summary>Takes the sets of <paramref name="version"/> unless a newer version is already applied.</summary>
    public bool Apply(long version, IReadOnlyList<IReadOnlyList<string>> sets)
    {
        var next = new Snapshot(version, sets.Select(s => new SynonymSet("admin", s)).ToList());
        lock (_gate)
        {
            if (_current.Version >= version) return false;
            _current = next;
            return true;
        }
    }
}
