using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using KnowledgeBase.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KnowledgeBase.Grains.Backup;

/// <summary>What a backup reads: the grain-state database, the index (a snapshot callback, or null when the index
/// lives in an external server), the document blob store and the log folder.</summary>
public sealed record BackupSources(
    DatabaseOptions Database, IBlobStore Documents, Func<string, CancellationToken, Task>? SnapshotIndex, string LogDir);

/// <summary>Takes one backup of the requested parts into the target: database rows (full), index (full snapshot),
/// document files (incremental against the previous document backup), logs (one tar.gz). Files are staged locally,
/// hashed, uploaded, and the manifest is written last.</summary>
public sealed class BackupRunner(BackupSources sources, IBlobStore target, TimeProvider clock, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    public async Task<BackupResult> RunAsync(BackupParts parts, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var id = BackupManifest.NewId(now);
        var staging = Path.Combine(Path.GetTempPath(), "kb-backup-" + id + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(staging);
        var files = new List<BackupFile>();
        var notes = new List<string>();
        var taken = BackupParts.None;
        var copied = 0;
        long bytes = 0;
        try
        {
            async Task UploadAsync(BackupParts part, string localRoot, DateTimeOffset? modified = null)
            {
                foreach (var path in Directory.EnumerateFiles(localRoot, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    var relative = Path.GetRelativePath(localRoot, path).Replace(Path.DirectorySeparatorChar, '/');
                    var file = await UploadFileAsync(id, part, relative, path, modified, cancellationToken);
                    files.Add(file);
                    copied++;
                    bytes += file.Size;
                }
                taken |= part;
            }

            if (parts.HasFlag(BackupParts.Database))
            {
                var dir = Directory.CreateDirectory(Path.Combine(staging, "database")).FullName;
                var rows = await DatabaseExport.ExportAsync(sources.Database, Path.Combine(dir, DatabaseExport.FileName), cancellationToken);
                notes.Add($"database: {rows} rows of grain state ({sources.Database.Dialect})");
                await UploadAsync(BackupParts.Database, dir);
            }

            if (parts.HasFlag(BackupParts.Index))
            {
                if (sources.SnapshotIndex is null)
                    notes.Add("index: kept by an external vector server (CHROMA_URL); back it up there, or rebuild it by reindexing documents");
                else
                {
                    var dir = Directory.CreateDirectory(Path.Combine(staging, "index")).FullName;
                    await sources.SnapshotIndex(dir, cancellationToken);
                    await UploadAsync(BackupParts.Index, dir);
                    notes.Add($"index: {files.Count(f => f.Part == "index")} files");
                }
            }

            if (parts.HasFlag(BackupParts.Documents))
            {
                var (all, newlyCopied, newBytes) = await BackupDocumentsAsync(id, staging, cancellationToken);
                files.AddRange(all);
                copied += newlyCopied;
                bytes += newBytes;
                taken |= BackupParts.Documents;
                notes.Add($"documents: {all.Count} files, {newlyCopied} new or changed since the previous document backup");
            }

            if (parts.HasFlag(BackupParts.Logs))
            {
                var dir = Directory.CreateDirectory(Path.Combine(staging, "logs")).FullName;
                var count = ArchiveLogs(sources.LogDir, Path.Combine(dir, $"logs-{now.UtcDateTime:yyyyMM}.tar.gz"), staging);
                await UploadAsync(BackupParts.Logs, dir);
                notes.Add($"logs: {count} files archived");
            }

            var manifest = new BackupManifest(id, now, taken, files, notes);
            using var json = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, BackupManifest.Json));
            await target.PutAsync($"{id}/{BackupManifest.FileName}", json, "application/json", cancellationToken);
            _logger.LogInformation("Backup {Id} of {Parts}: {Files} files, {Copied} copied ({Bytes} bytes)", id, taken, files.Count, copied, bytes);
            return new BackupResult(id, taken, files.Count, copied, bytes, now, notes);
        }
        finally
        {
            try { Directory.Delete(staging, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Document files are written once under content-addressed keys, so a file whose key, size and time match
    /// the previous document backup is not copied again: the manifest points at the copy already there.</summary>
    private async Task<(List<BackupFile> Files, int Copied, long Bytes)> BackupDocumentsAsync(string id, string staging, CancellationToken cancellationToken)
    {
        var previous = (await BackupTarget.ListManifestsAsync(target, cancellationToken))
            .LastOrDefault(m => m.Parts.HasFlag(BackupParts.Documents))?
            .FilesOf(BackupParts.Documents).ToDictionary(f => f.Path, StringComparer.Ordinal) ?? [];
        var files = new List<BackupFile>();
        var copied = 0;
        long bytes = 0;
        var temp = Path.Combine(staging, "document.tmp");
        await foreach (var blob in sources.Documents.ListAsync("", cancellationToken))
        {
            if (previous.TryGetValue(blob.Key, out var earlier) && earlier.Size == blob.Size && earlier.SourceModified == blob.LastModified)
            {
                files.Add(earlier);
                continue;
            }
            await using (var source = await sources.Documents.OpenReadAsync(blob.Key, cancellationToken))
            {
                if (source is null) continue; // deleted since it was listed
                await using var local = File.Create(temp);
                await source.CopyToAsync(local, cancellationToken);
            }
            var file = await UploadFileAsync(id, BackupParts.Documents, blob.Key, temp, blob.LastModified, cancellationToken);
            files.Add(file);
            copied++;
            bytes += file.Size;
        }
        return (files, copied, bytes);
    }

    private async Task<BackupFile> UploadFileAsync(string id, BackupParts part, string path, string localPath, DateTimeOffset? modified,
        CancellationToken cancellationToken)
    {
        var (sha, size) = await BackupManifest.HashFileAsync(localPath, cancellationToken);
        var file = new BackupFile(BackupManifest.PartName(part), path, size, sha, id, modified);
        await using var stream = File.OpenRead(localPath);
        await target.PutAsync(file.Key, stream, "application/octet-stream", cancellationToken);
        return file;
    }

    /// <summary>Every file under the log folder into one tar.gz. Each file is copied first, so one still being appended
    /// to is archived as it was at that moment.</summary>
    private static int ArchiveLogs(string logDir, string archive, string staging)
    {
        var count = 0;
        using var output = File.Create(archive);
        using var gzip = new GZipStream(output, CompressionLevel.SmallestSize);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        if (!Directory.Exists(logDir)) return 0;
        var copy = Path.Combine(staging, "log.tmp");
        foreach (var path in Directory.EnumerateFiles(logDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using (var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var local = File.Create(copy))
                input.CopyTo(local);
            tar.WriteEntry(copy, Path.GetRelativePath(logDir, path).Replace(Path.DirectorySeparatorChar, '/'));
            count++;
        }
        return count;
    }
}
