namespace KnowledgeBase.Contracts;

/// <summary>Told of every permission change and of every change of what the indexes should hold; each silo (and api)
/// keeps one subscribed.</summary>
[Alias("kb.IClusterChangeObserver")]
public interface IClusterChangeObserver : IGrainObserver
{
    [Alias("PermissionsChanged")]
    Task OnPermissionsChanged(PermissionSnapshot snapshot);

    [Alias("CorpusChanged")]
    Task OnCorpusChanged(CorpusChange change);
}
