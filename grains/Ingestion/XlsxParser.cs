using System.Globalization;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>XLSX via the OpenXml SDK: each sheet a heading, its rows records (<see cref="TableRecords"/>) with merged cells
/// spread over their range, shared strings resolved and numbers shown as the sheet formats them.</summary>
public static class XlsxParser
{
    public static ParsedDocument Parse(byte[] bytes, string fileName)
    {
        using var spreadsheet = SpreadsheetDocument.Open(new MemoryStream(bytes, writable: false), false);
        var workbook = spreadsheet.WorkbookPart ?? throw DocumentRejections.Corrupt("XLSX");
        var shared = workbook.SharedStringTablePart?.SharedStringTable?.Elements<SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
        var thousands = ThousandsStyles(workbook.WorkbookStylesPart?.Stylesheet);

        var blocks = new List<DocumentBlock>();
        foreach (var sheet in workbook.Workbook?.Sheets?.Elements<Sheet>() ?? [])
        {
            if (sheet.Id?.Value is not { } id || workbook.GetPartById(id) is not WorksheetPart part) continue;
            var grid = new List<List<string>>();
            foreach (var row in part.Worksheet?.Descendants<Row>() ?? [])
            {
                // Row numbers may skip (empty rows are dropped later); a far jump is closed up so a sparse sheet stays small.
                var rowIndex = row.RowIndex?.Value is uint r && r > 0 && r - 1 <= grid.Count + 1000 ? (int)r - 1 : grid.Count;
                while (grid.Count <= rowIndex) grid.Add([]);
                var cells = grid[rowIndex];
                foreach (var cell in row.Elements<Cell>())
                {
                    var column = ColumnIndex(cell.CellReference?.Value);
                    while (column >= 0 && cells.Count < column) cells.Add(string.Empty);
                    cells.Add(TextNormalizer.Inline(CellText(cell, shared, thousands)));
                }
            }
            ExpandMerges(grid, part.Worksheet?.Elements<MergeCells>().SelectMany(m => m.Elements<MergeCell>()) ?? []);
            if (!grid.Any(r => r.Any(c => c.Length > 0))) continue;
            blocks.Add(new DocumentBlock(BlockKind.Heading, TextNormalizer.Inline(sheet.Name?.Value ?? "Sheet"), Level: 1));
            blocks.AddRange(TableRecords.Blocks(grid, caption: null));
        }

        var title = TextNormalizer.Inline(spreadsheet.PackageProperties.Title);
        return new ParsedDocument(title.Length > 0 ? title : PlainTextParser.TitleFromFileName(fileName), "xlsx", blocks);
    }

    private static string CellText(Cell cell, List<string> shared, HashSet<uint> thousands)
    {
        var raw = cell.CellValue?.Text ?? string.Empty;
        var type = cell.DataType?.Value;
        if (type == CellValues.SharedString)
            return int.TryParse(raw, out var i) && i >= 0 && i < shared.Count ? shared[i] : string.Empty;
        if (type == CellValues.InlineString) return cell.InlineString?.InnerText ?? string.Empty;
        if (type == CellValues.Boolean) return raw == "1" ? "TRUE" : "FALSE";
        // Figures shown with thousands separators read that way in answers too ("150,000", as the sheet shows it).
        if (cell.StyleIndex?.Value is uint style && thousands.Contains(style)
            && decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return number.ToString(number == decimal.Truncate(number) ? "#,##0" : "#,##0.##", CultureInfo.InvariantCulture);
        return raw;
    }

    /// <summary>The cell styles whose number format groups thousands (the built-in #,##0 and #,##0.00, or a custom one).</summary>
    private static HashSet<uint> ThousandsStyles(Stylesheet? stylesheet)
    {
        var result = new HashSet<uint>();
        if (stylesheet?.CellFormats is null) return result;
        var custom = stylesheet.NumberingFormats?.Elements<NumberingFormat>()
            .Where(f => f.FormatCode?.Value?.Contains("#,##0") == true && f.NumberFormatId?.Value is not null)
            .Select(f => f.NumberFormatId!.Value).ToHashSet() ?? [];
        uint index = 0;
        foreach (var format in stylesheet.CellFormats.Elements<CellFormat>())
        {
            if (format.NumberFormatId?.Value is uint id && (id is 3 or 4 || custom.Contains(id))) result.Add(index);
            index++;
        }
        return result;
    }

    /// <summary>Writes a merged range's text into every cell it covers, so a group header names each column under it.</summary>
    private static void ExpandMerges(List<List<string>> grid, IEnumerable<MergeCell> merges)
    {
        foreach (var merge in merges)
        {
            var parts = merge.Reference?.Value?.Split(':');
            if (parts is not { Length: 2 }) continue;
            var (c1, r1) = (ColumnIndex(parts[0]), RowIndex(parts[0]));
            var (c2, r2) = (ColumnIndex(parts[1]), RowIndex(parts[1]));
            if (c1 < 0 || r1 < 0 || c2 < c1 || r2 < r1 || r1 >= grid.Count || c1 >= grid[r1].Count) continue;
            // Bounded, so a sheet claiming a million-cell merge cannot blow up memory.
            r2 = Math.Min(r2, Math.Min(grid.Count - 1, r1 + 1000));
            c2 = Math.Min(c2, c1 + 200);
            var text = grid[r1][c1];
            for (var r = r1; r <= r2; r++)
            {
                var cells = grid[r];
                while (cells.Count <= c2) cells.Add(string.Empty);
                for (var c = c1; c <= c2; c++)
                    if (cells[c].Length == 0) cells[c] = text;
            }
        }
    }

    private static int RowIndex(string reference)
    {
        var digits = new string(reference.SkipWhile(char.IsAsciiLetter).ToArray());
        return int.TryParse(digits, out var n) && n > 0 ? n - 1 : -1;
    }

    // "C7" -> 2; -1 when the reference is missing.
    private static int ColumnIndex(string? reference)
    {
        if (string.IsNullOrEmpty(reference)) return -1;
        var index = 0;
        foreach (var c in reference)
        {
            if (!char.IsAsciiLetter(c)) break;
            index = index * 26 + (char.ToUpperInvariant(c) - 'A' + 1);
        }
        return index - 1;
    }
}
