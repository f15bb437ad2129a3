using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>HTML via AngleSharp: h1-h6, p, li, tables as records (<see cref="TableRecords"/>), loose text; script, style and navigation dropped.</summary>
public static class HtmlDocumentParser
{
    private static readonly HashSet<string> Dropped = ["SCRIPT", "STYLE", "NAV", "NOSCRIPT", "TEMPLATE", "IFRAME", "SVG", "CANVAS", "BUTTON", "SELECT", "FORM", "HEAD"];
    private static readonly HashSet<string> BlockTags =
        ["P", "DIV", "SECTION", "ARTICLE", "MAIN", "HEADER", "FOOTER", "ASIDE", "UL", "OL", "LI", "TABLE", "PRE", "BLOCKQUOTE", "DL", "DT", "DD",
         "FIGURE", "FIGCAPTION", "HR", "H1", "H2", "H3", "H4", "H5", "H6", "BODY", "ADDRESS", "DETAILS", "SUMMARY", "CENTER"];

    public static bool LooksLikeHtml(string text)
    {
        var head = text.AsSpan(0, Math.Min(text.Length, 2048)).TrimStart();
        if (head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase)) return true;
        return head.Contains("<html", StringComparison.OrdinalIgnoreCase) || head.Contains("<body", StringComparison.OrdinalIgnoreCase)
            || (head.StartsWith("<") && head.Contains("<head>", StringComparison.OrdinalIgnoreCase));
    }

    public static ParsedDocument Parse(string html, string fileName)
    {
        var document = new HtmlParser().ParseDocument(html);
        foreach (var element in document.QuerySelectorAll("script, style, nav, noscript, template, iframe, svg").ToList()) element.Remove();

        var blocks = new List<DocumentBlock>();
        if (document.Body is not null) Walk(document.Body, blocks);

        var title = TextNormalizer.Inline(document.Title);
        if (title.Length == 0) title = blocks.FirstOrDefault(b => b.Kind == BlockKind.Heading && b.Level == 1)?.Text ?? PlainTextParser.TitleFromFileName(fileName);
        return new ParsedDocument(title, "html", blocks);
    }

    private static void Walk(IElement container, List<DocumentBlock> blocks)
    {
        var inline = new StringBuilder();
        void FlushInline()
        {
            var text = TextNormalizer.Inline(inline.ToString());
            inline.Clear();
            if (text.Length > 0) blocks.Add(new DocumentBlock(BlockKind.Paragraph, text));
        }

        foreach (var node in container.ChildNodes)
        {
            if (node is IText text) { inline.Append(text.Data); continue; }
            if (node is not IElement element || Dropped.Contains(element.TagName)) continue;
            if (!BlockTags.Contains(element.TagName))
            {
                inline.Append(element.TagName == "BR" ? " " : InlineText(element));
                continue;
            }
            FlushInline();
            switch (element.TagName)
            {
                case "H1" or "H2" or "H3" or "H4" or "H5" or "H6":
                    var heading = TextNormalizer.Inline(InlineText(element));
                    if (heading.Length > 0) blocks.Add(new DocumentBlock(BlockKind.Heading, heading, Level: element.TagName[1] - '0'));
                    break;
                case "LI":
                    AddListItem(element, blocks);
                    break;
                case "TABLE":
                    AddTable(element, blocks);
                    break;
                case "PRE":
                    var pre = TextNormalizer.Block(element.TextContent);
                    if (pre.Length > 0) blocks.Add(new DocumentBlock(BlockKind.Paragraph, pre));
                    break;
                case "HR":
                    break;
                default:
                    Walk(element, blocks);
                    break;
            }
        }
        FlushInline();
    }

    private static void AddListItem(IElement item, List<DocumentBlock> blocks)
    {
        var own = new StringBuilder();
        foreach (var node in item.ChildNodes)
        {
            if (node is IElement e && (e.TagName is "UL" or "OL" or "TABLE" || Dropped.Contains(e.TagName))) continue;
            own.Append(node is IElement el ? InlineText(el) : node.TextContent).Append(' ');
        }
        var text = TextNormalizer.Inline(own.ToString());
        if (text.Length > 0) blocks.Add(new DocumentBlock(BlockKind.ListItem, text));
        foreach (var nested in item.Children.Where(c => c.TagName is "UL" or "OL" or "TABLE"))
        {
            if (nested.TagName == "TABLE") AddTable(nested, blocks);
            else Walk(nested, blocks);
        }
    }

    private static void AddTable(IElement table, List<DocumentBlock> blocks)
    {
        var caption = table.QuerySelector("caption") is { } c && c.Closest("table") == table ? TextNormalizer.Inline(c.TextContent) : null;
        blocks.AddRange(TableRecords.Blocks(Grid(table), caption));
    }

    /// <summary>The table's rows as a grid: a cell with colspan or rowspan repeats its text in every grid cell it covers.</summary>
    private static List<IReadOnlyList<string>> Grid(IElement table)
    {
        var grid = new List<List<string?>>();
        var r = 0;
        foreach (var tr in table.QuerySelectorAll("tr").Where(tr => tr.Closest("table") == table))
        {
            while (grid.Count <= r) grid.Add([]);
            var column = 0;
            foreach (var cell in tr.Children.Where(e => e.TagName is "TD" or "TH"))
            {
                while (column < grid[r].Count && grid[r][column] is not null) column++;
                var text = TextNormalizer.Inline(InlineText(cell));
                // Spans are capped so a hostile page cannot make a huge grid.
                var colspan = Math.Clamp(int.TryParse(cell.GetAttribute("colspan"), out var cs) ? cs : 1, 1, 64);
                var rowspan = Math.Clamp(int.TryParse(cell.GetAttribute("rowspan"), out var rs) ? rs : 1, 1, 256);
                for (var dr = 0; dr < rowspan; dr++)
                {
                    while (grid.Count <= r + dr) grid.Add([]);
                    var cells = grid[r + dr];
                    for (var dc = 0; dc < colspan; dc++)
                    {
                        while (cells.Count <= column + dc) cells.Add(null);
                        cells[column + dc] = text;
                    }
                }
                column += colspan;
            }
            r++;
        }
        return grid.Select(row => (IReadOnlyList<string>)row.Select(x => x ?? string.Empty).ToList()).ToList();
    }

    // Text of an element with <br> and block children read as spaces, so words from adjacent cells or lines do not fuse.
    private static string InlineText(IElement element)
    {
        var sb = new StringBuilder();
        foreach (var node in element.ChildNodes)
        {
            if (node is IText t) sb.Append(t.Data);
            else if (node is IElement e && !Dropped.Contains(e.TagName))
            {
                if (e.TagName == "BR" || BlockTags.Contains(e.TagName)) sb.Append(' ');
                sb.Append(InlineText(e));
                if (BlockTags.Contains(e.TagName)) sb.Append(' ');
            }
        }
        return sb.ToString();
    }
}
