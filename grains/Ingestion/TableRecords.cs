using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>
/// Turns a table into one self-contained record per data row: the row's key cell names it (its section becomes
/// "caption > key"), and its text lists every "column header: value" pair, so a question naming a row and a column finds
/// that row and the answer can quote the cell. Title rows above the header become the caption, header rows stacked
/// under merged group headers are joined ("미주 숙박비"), a unit named in the caption or a 단위 column is written after
/// bare numbers. A table with no recognisable header (a layout table, one column, no data row) stays one table block.
/// </summary>
public static partial class TableRecords
{
    private const int MaxHeaderCell = 40;
    private const int MaxKeyLength = 40;

    /// <param name="grid">Rows of cell texts in reading order; a merged cell's text repeated over every cell it covers.</param>
    /// <param name="caption">The table's caption or sheet title, if any.</param>
    /// <param name="rowPages">Each grid row's page, for a table that runs over pages; otherwise every record gets <paramref name="page"/>.</param>
    public static IEnumerable<DocumentBlock> Blocks(IReadOnlyList<IReadOnlyList<string>> grid, string? caption, int? page = null, IReadOnlyList<int?>? rowPages = null)
    {
        var (rows, pages) = Normalize(grid, rowPages ?? grid.Select(_ => page).ToList());
        if (rows.Count == 0) yield break;
        var title = string.IsNullOrWhiteSpace(caption) ? null : TextNormalizer.Inline(caption);

        // Rows above the header that say one thing across the table ("국내 출장 여비 지급 기준 (단위: 원)") are its title.
        while (rows.Count > 2 && rows[0].Length >= 2 && rows[0].Where(c => c.Length > 0).Distinct().Count() == 1)
        {
            var text = rows[0].First(c => c.Length > 0);
            title = title is null ? text : title + " " + text;
            rows.RemoveAt(0);
            pages.RemoveAt(0);
        }

        var headerCount = HeaderRowCount(rows);
        if (headerCount == 0)
        {
            yield return WholeTable(rows, title, pages[0]);
            yield break;
        }

        var width = rows[0].Length;
        var names = ColumnNames(rows, headerCount, width);
        var data = rows.Skip(headerCount).ToList();
        var dataPages = pages.Skip(headerCount).ToList();
        var key = KeyColumn(data, width);
        var unitColumn = Array.FindIndex(names, n => UnitHeader().IsMatch(n));
        var tableUnit = title is not null && CaptionUnit().Match(title) is { Success: true } u ? u.Groups["unit"].Value.Trim() : null;
        // A key cell left blank under a value continues the row above (a merged cell typed as blanks).
        for (var r = 1; r < data.Count; r++)
            if (data[r][key].Length == 0) data[r][key] = data[r - 1][key];
        var duplicateKeys = data.GroupBy(r => r[key]).Any(g => g.Count() > 1);

        for (var index = 0; index < data.Count; index++)
        {
            var row = data[index];
            var label = row[key];
            if (duplicateKeys && key + 1 < width && row[key + 1].Length is > 0 and <= MaxKeyLength && key + 1 != unitColumn) label += " " + row[key + 1];
            label = Shorten(label);
            if (label.Length == 0) label = Shorten(row.FirstOrDefault(c => c.Length > 0) ?? string.Empty);

            var rowUnit = unitColumn >= 0 && row[unitColumn].Length > 0 ? row[unitColumn] : null;
            var text = new StringBuilder();
            foreach (var column in Enumerable.Range(0, width).OrderBy(c => c == key ? -1 : c))
            {
                var value = row[column];
                if (value.Length == 0) continue;
                if (column != unitColumn) value = WithUnit(value, ColumnUnit(names[column]) ?? rowUnit ?? tableUnit);
                if (text.Length > 0) text.Append('\n');
                text.Append(names[column].Length > 0 ? names[column] + ": " + value : value);
            }
            if (text.Length == 0) continue;
            yield return new DocumentBlock(BlockKind.Record, text.ToString(), dataPages[index], Label: title is null ? label : title + " > " + label);
        }
    }

    /// <summary>The rows as a plain table block (cells " | "), the caption on top: what a table without a header becomes.</summary>
    public static DocumentBlock WholeTable(IEnumerable<IReadOnlyList<string>> rows, string? caption, int? page = null)
    {
        var lines = rows.Select(r => string.Join(" | ", r.Select(TextNormalizer.Inline))).Where(r => r.Replace("|", "").Trim().Length > 0).ToList();
        if (!string.IsNullOrWhiteSpace(caption)) lines.Insert(0, TextNormalizer.Inline(caption));
        return new DocumentBlock(BlockKind.Table, string.Join('\n', lines), page);
    }

    /// <summary>True when the grid reads as a table with a header row, so it becomes records rather than one table block.</summary>
    public static bool HasHeader(IReadOnlyList<IReadOnlyList<string>> grid)
    {
        var (rows, _) = Normalize(grid, grid.Select(_ => (int?)null).ToList());
        while (rows.Count > 2 && rows[0].Length >= 2 && rows[0].Where(c => c.Length > 0).Distinct().Count() == 1) rows.RemoveAt(0);
        return HeaderRowCount(rows) > 0;
    }

    /// <summary>A paragraph that names the table below it: "표 1. 휴가의 종류", "&lt;표 2&gt; 수당", "[표 3]", "Table 4: …".</summary>
    public static bool IsCaption(string text) => text.Length <= 80 && CaptionText().IsMatch(text);

    /// <summary>Rows trimmed, padded to one width, with empty rows and empty columns dropped; each kept row keeps its page.</summary>
    private static (List<string[]> Rows, List<int?> Pages) Normalize(IReadOnlyList<IReadOnlyList<string>> grid, IReadOnlyList<int?> rowPages)
    {
        var kept = grid.Select((r, i) => (Cells: r.Select(c => TextNormalizer.Inline(c ?? string.Empty)).ToArray(), Page: rowPages[i]))
            .Where(r => r.Cells.Any(c => c.Length > 0)).ToList();
        if (kept.Count == 0) return ([], []);
        var width = kept.Max(r => r.Cells.Length);
        var keep = Enumerable.Range(0, width).Where(c => kept.Any(r => c < r.Cells.Length && r.Cells[c].Length > 0)).ToList();
        return (kept.Select(r => keep.Select(c => c < r.Cells.Length ? r.Cells[c] : string.Empty).ToArray()).ToList(), kept.Select(r => r.Page).ToList());
    }

    /// <summary>How many rows at the top are headers: the first when its cells read as labels (short, mostly not
    /// numbers), then each next row that stacks under it (the key column blank or the same, no figures). 0: no header.</summary>
    private static int HeaderRowCount(List<string[]> rows)
    {
        if (rows.Count < 2 || rows[0].Length < 2) return 0;
        if (!LooksLikeHeader(rows[0])) return 0;
        var count = 1;
        while (count + 1 < rows.Count && (rows[count][0].Length == 0 || rows[count][0] == rows[0][0]) && LooksLikeHeader(rows[count])
               && !rows[count].Any(IsNumber))
            count++;
        return count;
    }

    private static bool LooksLikeHeader(string[] row)
    {
        var filled = row.Where(c => c.Length > 0).ToList();
        return filled.Count >= 2 && filled.All(c => c.Length <= MaxHeaderCell) && filled.Count(IsNumber) * 2 < filled.Count;
    }

    /// <summary>Each column's name: its header cells top to bottom, a merged group header said once ("미주 일비").</summary>
    private static string[] ColumnNames(List<string[]> rows, int headerCount, int width)
    {
        var names = new string[width];
        for (var c = 0; c < width; c++)
        {
            var parts = new List<string>();
            for (var r = 0; r < headerCount; r++)
                if (rows[r][c].Length > 0 && (parts.Count == 0 || parts[^1] != rows[r][c])) parts.Add(rows[r][c]);
            names[c] = string.Join(' ', parts);
        }
        return names;
    }

    /// <summary>The column that names a row: the first, unless it only numbers the rows and the second is a short label.</summary>
    private static int KeyColumn(List<string[]> data, int width)
    {
        if (width > 2 && data.All(r => r[0].Length == 0 || int.TryParse(r[0], out _)) && data.All(r => r[1].Length <= MaxKeyLength)) return 1;
        return 0;
    }

    private static string Shorten(string text)
    {
        if (text.Length <= MaxKeyLength) return text;
        var cut = text.LastIndexOf(' ', MaxKeyLength);
        return (cut > MaxKeyLength / 2 ? text[..cut] : text[..MaxKeyLength]) + "…";
    }

    /// <summary>A bare number gets the unit its column, row or table names: "30,000" with 단위: 원 reads "30,000원",
    /// "240" with 단위: 미화 달러 USD reads "240 USD", "230" with a 단위 cell "km당 원" reads "230 (km당 원)".</summary>
    private static string WithUnit(string value, string? unit)
    {
        if (unit is null || !IsNumber(value)) return value;
        var words = unit.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 1 && unit.Length <= 4) return char.IsAsciiLetter(unit[0]) ? value + " " + unit : value + unit;
        if (words[^1] is { Length: <= 4 } code && code.All(char.IsAsciiLetterUpper)) return value + " " + code;
        return value + " (" + unit + ")";
    }

    private static string? ColumnUnit(string name) => HeaderUnit().Match(name) is { Success: true } m ? m.Groups["unit"].Value : null;

    private static bool IsNumber(string cell) =>
        cell.Length > 0 && double.TryParse(cell.Replace(",", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    [GeneratedRegex(@"^[<\[(〈]?\s*(?:표|table)\s*\d+", RegexOptions.IgnoreCase)]
    private static partial Regex CaptionText();

    [GeneratedRegex(@"단위\s*[:：]\s*(?<unit>[^,)\]]{1,20})")]
    private static partial Regex CaptionUnit();

    [GeneratedRegex(@"^(?:단위|unit)$", RegexOptions.IgnoreCase)]
    private static partial Regex UnitHeader();

    [GeneratedRegex(@"\((?:단위\s*[:：]?\s*)?(?<unit>원|천원|만원|백만원|억원|%|퍼센트|일|시간|개월|년|회|달러|USD|KRW|km)\)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex HeaderUnit();
}
