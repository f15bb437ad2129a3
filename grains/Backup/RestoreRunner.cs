using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using KnowledgeBase.Grains.Storage;
using Lucene.Net.Store;
using Directory = System.IO.Directory;

namespace KnowledgeBase.Grains.Backup;

/// <summary>What a restore did, part by part, and how long it took (the measured recovery time).</summary>
public sealed record RestoreResult(IReadOnlyDictionary<BackupParts, string> RestoredFrom, int FilesVerified, long BytesVerified,
    IReadOnlyList<string> Notes, TimeSpan Elapsed);

/// <summary>Restores a backup into a stopped installation: finds, for each part, the latest backup holding it (at or
/// before a given backup id), downloads every file and checks its SHA-256 against the manifest, and only when all
/// match replaces the database rows, the index folder, the document files and missing log files.</summary>
public sealed class RestoreRunner(DatabaseOptions database, IBlobStore documents, string dataDir, string logDir, IBlobStore source)
{
    public async Task<RestoreResult> RestoreAsync(string? backupId, BackupParts parts, Action<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        progress ??= _ => { };
        var indexRoot = Path.Combine(Path.GetFullPath(dataDir), "index");
        EnsureIndexNotInUse(indexRoot);

        var manifests = await BackupTarget.ListManifestsAsync(source, cancellationToken);
        if (backupId is not null)
        {
            if (manifests.All(m => m.Id != backupId)) throw new ArgumentException($"No finished backup {backupId} in the source.");
            manifests = manifests.Where(m => string.CompareOrdinal(m.Id, backupId) <= 0).ToList();
        }
        if (manifests.Count == 0) throw new ArgumentException("The source holds no finished backup (no */manifest.json).");

        var chosen = new Dictionary<BackupParts, BackupManifest>();
        var notes = new List<string>();
        foreach (var part in BackupManifest.EachPart.Where(p => parts.HasFlag(p)))
        {
            if (manifests.LastOrDefault(m => m.Parts.HasFlag(part)) is { } manifest) chosen[part] = manifest;
            else notes.Add($"{BackupManifest.PartName(part)}: no backup holds it; left as it is");
        }

        // Everything is downloaded and verified before anything live is touched.
        var staging = Path.Combine(Path.GetFullPath(dataDir) + ".restore-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(staging);
        try
        {
            var verified = 0;
            long bytes = 0;
            foreach (var (part, manifest) in chosen)
            {
                foreach (var file in manifest.FilesOf(part))
                {
                    await DownloadVerifiedAsync(file, Path.Combine(staging, file.Part, file.Path), cancellationToken);
                    verified++;
                    bytes += file.Size;
                }
                progress($"{BackupManifest.PartName(part)}: verified {manifest.FilesOf(part).Count()} files of backup {manifest.Id}");
            }

            if (chosen.ContainsKey(BackupParts.Database))
            {
                var rows = await DatabaseExport.ImportAsync(database, Path.Combine(staging, "database", DatabaseExport.FileName), cancellationToken);
                notes.Add($"database: {rows} rows restored");
            }
            if (chosen.TryGetValue(BackupParts.Index, out var index))
            {
                ReplaceIndex(indexRoot, Path.Combine(staging, "index"));
                notes.Add("index: replaced");
                if (chosen.TryGetValue(BackupParts.Database, out var db) && index.CreatedAt < db.CreatedAt
                    && NewerThan(Path.Combine(staging, "database", DatabaseExport.FileName), index.CreatedAt) is { Count: > 0 } stale)
                    notes.Add($"index: backup {index.Id} is older than the database backup {db.Id}; {stale.Count} documents changed in between "
                        + $"are listed but not searchable until reindexed (POST /api/documents/{{id}}/reindex): {string.Join(", ", stale)}");
            }
            if (chosen.TryGetValue(BackupParts.Documents, out var docs))
            {
                foreach (var file in docs.FilesOf(BackupParts.Documents))
                {
                    await using var stream = File.OpenRead(Path.Combine(staging, file.Part, file.Path));
                    await documents.PutAsync(file.Path, stream, "application/octet-stream", cancellationToken);
                }
                notes.Add($"documents: {docs.FilesOf(BackupParts.Documents).Count()} files restored");
            }
            if (chosen.ContainsKey(BackupParts.Logs))
                notes.Add($"logs: {await RestoreLogsAsync(Path.Combine(staging, "logs"), cancellationToken)} missing files restored");
            foreach (var note in notes) progress(note);

            return new RestoreResult(chosen.ToDictionary(c => c.Key, c => c.Value.Id), verified, bytes, notes, clock.Elapsed);
        }
        finally
        {
            try { Directory.Delete(staging, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Ready documents the catalog's slices (in the exported rows) say changed after the given time.</summary>
    private static List<string> NewerThan(string databaseFile, DateTimeOffset time)
    {
        var newer = new List<string>();
        foreach (var line in File.ReadLines(databaseFile))
        {
            var row = System.Text.Json.JsonSerializer.Deserialize<DatabaseExport.Row>(line, BackupManifest.Json)!;
            if (row.GrainTypeString != "catalog" || row.PayloadBinary is null) continue;
            var slice = new JsonGrainStorageSerializer().Deserialize<DocumentCatalogShardState>(BinaryData.FromBytes(row.PayloadBinary));
            newer.AddRange(slice.Documents.Values.Where(d => d.Status == DocumentStatus.Ready && d.UpdatedAt > time).Select(d => d.DocumentId));
        }
        return newer.Order(StringComparer.Ordinal).ToList();
    }

    private async Task DownloadVerifiedAsync(BackupFile file, string localPath, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(localPath)!);
        await using (var input = await source.OpenReadAsync(file.Key, cancellationToken)
            ?? throw new BackupIntegrityException($"{file.Key}: missing from the backup; nothing was restored."))
        await using (var output = File.Create(localPath))
            await input.CopyToAsync(output, cancellationToken);
        var (sha, size) = await BackupManifest.HashFileAsync(localPath, cancellationToken);
        if (sha != file.Sha256 || size != file.Size)
            throw new BackupIntegrityException(
                $"{file.Key}: SHA-256 {sha} ({size} bytes) does not match the manifest's {file.Sha256} ({file.Size} bytes); nothing was restored.");
    }

    /// <summary>A running silo holds the Lucene write lock on the embedded index; restoring under it would be lost or
    /// corrupt, so the restore refuses and asks for the service to be stopped.</summary>
    private static void EnsureIndexNotInUse(string indexRoot)
    {
        var lexical = Path.Combine(indexRoot, "lexical");
        if (!Directory.Exists(lexical)) return;
        using var directory = FSDirectory.Open(new DirectoryInfo(lexical));
        using var writeLock = directory.MakeLock(Lucene.Net.Index.IndexWriter.WRITE_LOCK_NAME);
        bool obtained;
        try { obtained = writeLock.Obtain(); }
        catch (LockObtainFailedException) { obtained = false; }
        if (!obtained)
            throw new InvalidOperationException($"The index under {indexRoot} is in use: stop the service (api and silo) before restoring.");
    }

    private static void ReplaceIndex(string indexRoot, string restored)
    {
        var previous = indexRoot + ".before-restore";
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        if (Directory.Exists(indexRoot)) Directory.Move(indexRoot, previous);
        Directory.CreateDirectory(Path.GetDirectoryName(indexRoot)!);
        Directory.Move(restored, indexRoot);
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
    }

    /// <summary>Log files that exist are newer than the backup's copy and are kept; missing ones come back.</summary>
    private async Task<int> RestoreLogsAsync(string staged, CancellationToken cancellationToken)
    {
        var restored = 0;
        foreach (var archive in Directory.EnumerateFiles(staged, "*.tar.gz"))
        {
            await using var input = File.OpenRead(archive);
            await using var gzip = new GZipStream(input, CompressionMode.Decompress);
            await using var tar = new TarReader(gzip);
            while (await tar.GetNextEntryAsync(cancellationToken: cancellationToken) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                var target = Path.GetFullPath(Path.Combine(logDir, entry.Name));
                if (!target.StartsWith(Path.GetFullPath(logDir) + Path.DirectorySeparatorChar, StringComparison.Ordinal) || File.Exists(target)) continue;
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await entry.ExtractToFileAsync(target, overwrite: false, cancellationToken);
                restored++;
            }
        }
        return restored;
    }
}
