using System.Text;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>DOCX via the OpenXml SDK: heading styles (Heading 1, 제목 1, outline level) become headings, numbered paragraphs list items, tables as records (<see cref="TableRecords"/>) named by their caption.</summary>
public static partial class DocxParser
{
    public static ParsedDocument Parse(byte[] bytes, string fileName)
    {
        using var word = WordprocessingDocument.Open(new MemoryStream(bytes, writable: false), false);
        var main = word.MainDocumentPart ?? throw DocumentRejections.Corrupt("DOCX");
        var body = main.Document?.Body ?? throw DocumentRejections.Corrupt("DOCX");
        var styles = StyleLevels(main.StyleDefinitionsPart?.Styles);

        var blocks = new List<DocumentBlock>();
        Walk(body, styles, blocks);

        var title = TextNormalizer.Inline(word.PackageProperties.Title);
        if (title.Length == 0) title = blocks.FirstOrDefault(b => b.Kind == BlockKind.Heading)?.Text ?? PlainTextParser.TitleFromFileName(fileName);
        return new ParsedDocument(title, "docx", blocks);
    }

    private static void Walk(OpenXmlElement container, Dictionary<string, StyleInfo> styles, List<DocumentBlock> blocks, HashSet<DocumentBlock>? captionBlocks = null)
    {
        var captions = captionBlocks ?? new HashSet<DocumentBlock>(ReferenceEqualityComparer.Instance);
        foreach (var element in container.ChildElements)
        {
            switch (element)
            {
                case Paragraph paragraph:
                    AddParagraph(paragraph, styles, blocks);
                    if (blocks.Count > 0 && blocks[^1] is { Kind: BlockKind.Paragraph } added && IsCaption(paragraph, added.Text, styles)) captions.Add(added);
                    break;
                case Table table:
                    // A caption paragraph ("표 1. …", or in the Caption style) right above the table names it.
                    string? caption = null;
                    if (blocks.Count > 0 && blocks[^1] is { Kind: BlockKind.Paragraph } last && captions.Contains(last))
                    {
                        caption = last.Text;
                        blocks.RemoveAt(blocks.Count - 1);
                    }
                    blocks.AddRange(TableRecords.Blocks(Grid(table), caption));
                    break;
                case SdtBlock or SdtContentBlock or CustomXmlBlock:
                    Walk(element, styles, blocks, captions);
                    break;
            }
        }
    }

    private static void AddParagraph(Paragraph paragraph, Dictionary<string, StyleInfo> styles, List<DocumentBlock> blocks)
    {
        var text = TextNormalizer.Inline(ParagraphText(paragraph));
        if (text.Length == 0) return;
        var properties = paragraph.ParagraphProperties;
        var styleId = properties?.ParagraphStyleId?.Val?.Value;
        var style = styleId is not null && styles.TryGetValue(styleId, out var s) ? s : null;

        var outline = properties?.OutlineLevel?.Val?.Value;
        var level = outline is >= 0 and < 9 ? outline.Value + 1 : style?.HeadingLevel ?? 0;
        if (level > 0 && text.Length <= 200)
        {
            blocks.Add(new DocumentBlock(BlockKind.Heading, text, Level: level));
            return;
        }
        // Rules typed without heading styles still read as 제1장 / 제3조(…).
        if (KoreanStructure.TryMatchHeading(text, out var statute))
        {
            blocks.Add(new DocumentBlock(BlockKind.Heading, statute.Heading, Level: statute.Level));
            if (statute.Rest.Length > 0) blocks.Add(new DocumentBlock(BlockKind.Paragraph, statute.Rest));
            return;
        }
        var isList = properties?.NumberingProperties is not null || style?.IsList == true;
        blocks.Add(new DocumentBlock(isList ? BlockKind.ListItem : BlockKind.Paragraph, text));
    }

    private static bool IsCaption(Paragraph paragraph, string text, Dictionary<string, StyleInfo> styles)
    {
        var styleId = paragraph.ParagraphProperties?.ParagraphStyleId?.Val?.Value;
        return (styleId is not null && styles.TryGetValue(styleId, out var style) && style.IsCaption) || TableRecords.IsCaption(text);
    }

    /// <summary>The table as rows of cell texts, a cell spanning columns (gridSpan) or continuing a vertical merge
    /// (vMerge) repeating the merged text in each grid cell it covers.</summary>
    private static List<IReadOnlyList<string>> Grid(Table table)
    {
        var grid = new List<IReadOnlyList<string>>();
        foreach (var row in table.Elements<TableRow>())
        {
            var cells = new List<string>();
            foreach (var cell in row.Elements<TableCell>())
            {
                var properties = cell.TableCellProperties;
                var text = TextNormalizer.Inline(string.Join(' ', cell.Descendants<Paragraph>().Select(ParagraphText)));
                var merge = properties?.VerticalMerge;
                if (merge is not null && merge.Val?.Value != MergedCellValues.Restart && text.Length == 0 && grid.Count > 0
                    && cells.Count < grid[^1].Count)
                    text = grid[^1][cells.Count];
                var span = Math.Clamp(properties?.GridSpan?.Val?.Value ?? 1, 1, 64);
                for (var i = 0; i < span; i++) cells.Add(text);
            }
            grid.Add(cells);
        }
        return grid;
    }

    private static string ParagraphText(Paragraph paragraph)
    {
        var sb = new StringBuilder();
        foreach (var node in paragraph.Descendants())
        {
            switch (node)
            {
                case Text t: sb.Append(t.Text); break;
                case TabChar: sb.Append(' '); break;
                case Break or CarriageReturn: sb.Append(' '); break;
                case NoBreakHyphen: sb.Append('-'); break;
            }
        }
        return sb.ToString();
    }

    private sealed record StyleInfo(int HeadingLevel, bool IsList, bool IsCaption);

    private static Dictionary<string, StyleInfo> StyleLevels(Styles? styles)
    {
        var result = new Dictionary<string, StyleInfo>(StringComparer.OrdinalIgnoreCase);
        if (styles is null) return result;
        var all = styles.Elements<Style>().Where(s => s.StyleId?.Value is not null).ToDictionary(s => s.StyleId!.Value!, StringComparer.OrdinalIgnoreCase);
        foreach (var (id, style) in all)
        {
            int level = 0;
            var isList = false;
            var isCaption = false;
            // Follow basedOn so a custom style built on 제목 1 is a heading too.
            for (var current = style; current is not null && level == 0; )
            {
                var name = current.StyleName?.Val?.Value ?? string.Empty;
                var m = HeadingName().Match(name);
                if (m.Success) level = int.Parse(m.Groups[1].Value);
                else if (TitleName().IsMatch(name)) level = 1;
                else if (current.StyleParagraphProperties?.OutlineLevel?.Val?.Value is int o and < 9) level = o + 1;
                isList |= name.Contains("List", StringComparison.OrdinalIgnoreCase) || name.Contains("목록");
                isCaption |= name.Equals("caption", StringComparison.OrdinalIgnoreCase) || name == "캡션";
                var basedOn = current.BasedOn?.Val?.Value;
                current = basedOn is not null && all.TryGetValue(basedOn, out var b) && !ReferenceEquals(b, current) ? b : null;
            }
            result[id] = new StyleInfo(level, isList, isCaption);
        }
        return result;
    }

    [GeneratedRegex(@"^(?:heading|제목)\s*(\d)$", RegexOptions.IgnoreCase)]
    private static partial Regex HeadingName();

    [GeneratedRegex(@"^(?:title|제목)$", RegexOptions.IgnoreCase)]
    private static partial Regex TitleName();
}
