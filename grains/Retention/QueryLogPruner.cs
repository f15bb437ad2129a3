using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KnowledgeBase.Grains.Retention;

/// <summary>Removes query-log records older than a cutoff from the rag-YYYY-MM-DD.jsonl files of one folder: whole files
/// of earlier days, and the older lines of the cutoff's own day (the writer only appends to today's file, which a
/// retention of one day or more never touches).</summary>
public static class QueryLogPruner
{
    /// <summary>The number of records removed.</summary>
    public static async Task<int> PruneAsync(string logDir, DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(logDir)) return 0;
        var cutoffDay = DateOnly.FromDateTime(cutoff.UtcDateTime);
        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(logDir, "rag-*.jsonl"))
        {
            if (!DateOnly.TryParseExact(Path.GetFileNameWithoutExtension(path)["rag-".Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture,
                    DateTimeStyles.None, out var day) || day > cutoffDay)
                continue;
            var lines = await File.ReadAllLinesAsync(path, cancellationToken);
            var kept = day < cutoffDay ? [] : lines.Where(line => !IsBefore(line, cutoff)).ToArray();
            removed += lines.Count(l => l.Length > 0) - kept.Count(l => l.Length > 0);
            if (kept.Length == 0)
            {
                File.Delete(path);
            }
            else if (kept.Length < lines.Length)
            {
                // Replaced whole, so a reader never sees half a file.
                var temp = path + ".tmp";
                await File.WriteAllLinesAsync(temp, kept, new UTF8Encoding(false), cancellationToken);
                File.Move(temp, path, overwrite: true);
            }
        }
        return removed;
    }

    /// <summary>A record whose timestamp is before the cutoff (a line that cannot be read is kept).</summary>
    private static bool IsBefore(string line, DateTimeOffset cutoff)
    {
        if (line.Length == 0) return false;
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty("timestamp", out var t) && t.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && at < cutoff;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
