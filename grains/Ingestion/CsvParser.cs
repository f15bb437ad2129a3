using System.Text;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>CSV/TSV: quoted fields per RFC 4180; each row a record under the header row (<see cref="TableRecords"/>).</summary>
public static class CsvParser
{
    public static bool IsCsv(string fileName, string? contentType) =>
        Path.GetExtension(fileName).ToLowerInvariant() is ".csv" or ".tsv" ||
        (contentType ?? string.Empty).Contains("csv", StringComparison.OrdinalIgnoreCase) ||
        (contentType ?? string.Empty).Contains("tab-separated", StringComparison.OrdinalIgnoreCase);

    public static ParsedDocument Parse(string text, string fileName)
    {
        var delimiter = GuessDelimiter(text);
        var rows = ReadRows(text, delimiter).Select(r => (IReadOnlyList<string>)r).ToList();
        return new ParsedDocument(PlainTextParser.TitleFromFileName(fileName), "csv", TableRecords.Blocks(rows, caption: null).ToList());
    }

    private static char GuessDelimiter(string text)
    {
        var firstLine = text.Split('\n', 2)[0];
        var candidates = new[] { ',', '\t', ';', '|' };
        return candidates.OrderByDescending(c => firstLine.Count(ch => ch == c)).First();
    }

    private static IEnumerable<List<string>> ReadRows(string text, char delimiter)
    {
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
                continue;
            }
            if (c == '"' && field.Length == 0) { quoted = true; continue; }
            if (c == delimiter) { row.Add(field.ToString()); field.Clear(); continue; }
            if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                row.Add(field.ToString()); field.Clear();
                yield return row;
                row = [];
                continue;
            }
            field.Append(c);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); yield return row; }
    }
}
