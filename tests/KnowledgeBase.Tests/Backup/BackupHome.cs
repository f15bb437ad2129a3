using KnowledgeBase.Grains.Backup;
using Microsoft.Extensions.Configuration;

namespace KnowledgeBase.Tests.Backup;

/// <summary>An installation's folders that outlive one api process: the api can be stopped, its data destroyed, a
/// backup restored, and a new api started on the same folders.</summary>
public sealed class BackupHome(IDictionary<string, string?>? extra = null) : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "kb-backup-tests", Guid.NewGuid().ToString("N")[..12]);

    public string DataDir => Path.Combine(Root, "data");
    public string StorageDir => Path.Combine(Root, "storage");
    public string LogDir => Path.Combine(Root, "logs");
    public string Backups => Path.Combine(Root, "backups");

    public IDictionary<string, string?> Settings
    {
        get
        {
            var settings = new Dictionary<string, string?>
            {
                ["DATA_DIR"] = DataDir,
                ["STORAGE_DIR"] = StorageDir,
                ["LOG_DIR"] = LogDir,
                ["BACKUP_TARGET"] = Backups,
            };
            foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
            return settings;
        }
    }

    public ApiFactory StartApi() => new HomeApiFactory(Settings);

    /// <summary>The `backup`/`restore` verb as an operator runs it, with this installation's settings.</summary>
    public async Task<(int ExitCode, string Output)> RunCommandAsync(params string[] args)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(Settings).Build();
        using var output = new StringWriter();
        var code = await BackupCommand.RunAsync(args, config, output);
        return (code, output.ToString());
    }

    /// <summary>Data loss: the database, the index, the document files and the logs are gone.</summary>
    public void Destroy()
    {
        foreach (var dir in new[] { DataDir, StorageDir, LogDir })
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private sealed class HomeApiFactory(IDictionary<string, string?> settings) : ApiFactory
    {
        protected override IDictionary<string, string?> Settings => settings;
    }
}
