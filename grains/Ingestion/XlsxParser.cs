using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>XLSX via the OpenXml SDK: each sheet a heading, its rows one table (cells " | ", shared strings resolved).</summary>
public static class XlsxParser
{
    public static ParsedDocument Parse(byte[] bytes, string fileName)
    {
        using var spreadsheet = SpreadsheetDocument.Open(new MemoryStream(bytes, writable: false), false);
        var workbook = spreadsheet.WorkbookPart ?? throw DocumentRejections.Corrupt("XLSX");
        var shared = workbook.SharedStringTablePart?.SharedStringTable?.Elements<SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];

        var blocks = new List<DocumentBlock>();
        foreach (var sheet in workbook.Workbook?.Sheets?.Elements<Sheet>() ?? [])
        {
            if (sheet.Id?.Value is not { } id || workbook.GetPartById(id) is not WorksheetPart part) continue;
            var rows = new List<string>();
            foreach (var row in part.Worksheet?.Descendants<Row>() ?? [])
            {
                var cells = new List<string>();
                foreach (var cell in row.Elements<Cell>())
                {
                    var column = ColumnIndex(cell.CellReference?.Value);
                    while (column >= 0 && cells.Count < column) cells.Add(string.Empty);
                    cells.Add(TextNormalizer.Inline(CellText(cell, shared)));
                }
                while (cells.Count > 0 && cells[^1].Length == 0) cells.RemoveAt(cells.Count - 1);
                if (cells.Any(c => c.Length > 0)) rows.Add(string.Join(" | ", cells));
            }
            if (rows.Count == 0) continue;
            blocks.Add(new DocumentBlock(BlockKind.Heading, TextNormalizer.Inline(sheet.Name?.Value ?? "Sheet"), Level: 1));
            blocks.Add(new DocumentBlock(BlockKind.Table, string.Join('\n', rows)));
        }

        var title = TextNormalizer.Inline(spreadsheet.PackageProperties.Title);
        return new ParsedDocument(title.Length > 0 ? title : PlainTextParser.TitleFromFileName(fileName), "xlsx", blocks);
    }

    private static string CellText(Cell cell, List<string> shared)
    {
        var raw = cell.CellValue?.Text ?? string.Empty;
        var type = cell.DataType?.Value;
        if (type == CellValues.SharedString)
            return int.TryParse(raw, out var i) && i >= 0 && i < shared.Count ? shared[i] : string.Empty;
        if (type == CellValues.InlineString) return cell.InlineString?.InnerText ?? string.Empty;
        if (type == CellValues.Boolean) return raw == "1" ? "TRUE" : "FALSE";
        return raw;
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
