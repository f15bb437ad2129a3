using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KnowledgeBase.Grains.Backup;

/// <summary>One file of a backup. Its bytes live at {StoredIn}/{Part}/{Path} in the target: an incremental document
/// backup points unchanged files at the earlier backup that copied them.</summary>
public sealed record BackupFile(string Part, string Path, long Size, string Sha256, string StoredIn, DateTimeOffset? SourceModified = null)
{
    public string Key => $"{StoredIn}/{Part}/{Path}";
}

/// <summary>What one backup holds ({id}/manifest.json, written last: a backup without a manifest never finished and is
/// ignored). Every file has its SHA-256, checked before a restore touches live data.</summary>
public sealed record BackupManifest(
    string Id, DateTimeOffset CreatedAt, BackupParts Parts, IReadOnlyList<BackupFile> Files, IReadOnlyList<string> Notes, int Format = 1)
{
    public const string FileName = "manifest.json";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string PartName(BackupParts part) => part switch
    {
        BackupParts.Database => "database",
        BackupParts.Index => "index",
        BackupParts.Documents => "documents",
        BackupParts.Logs => "logs",
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, "One part at a time."),
    };

    public static readonly BackupParts[] EachPart = [BackupParts.Database, BackupParts.Index, BackupParts.Documents, BackupParts.Logs];

    public IEnumerable<BackupFile> FilesOf(BackupParts part) => Files.Where(f => f.Part == PartName(part));

    /// <summary>Ids sort in time order: the UTC time to the millisecond.</summary>
    public static string NewId(DateTimeOffset now) => now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<(string Sha256, long Size)> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken);
        return (Convert.ToHexStringLower(hash), stream.Length);
    }
}

/// <summary>Raised when a backup file is missing or its bytes differ from the manifest; names the file.</summary>
public sealed class BackupIntegrityException(string message) : Exception(message);
