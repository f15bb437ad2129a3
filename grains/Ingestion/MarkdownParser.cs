using System.Net;
using System.Text.RegularExpressions;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>Markdown: ATX and setext headings, list items, pipe tables as records, fenced code, YAML front matter skipped (its title kept).</summary>
public static partial class MarkdownParser
{
    public static ParsedDocument Parse(string text, string fileName)
    {
        var lines = TextNormalizer.Nfc(text).Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        var start = SkipFrontMatter(lines, out var frontMatterTitle);
        var blocks = new List<DocumentBlock>();
        var paragraph = new List<string>();
        var table = new List<string>();
        string? firstH1 = null;

        void FlushParagraph()
        {
            if (paragraph.Count == 0) return;
            var joined = TextNormalizer.Inline(CleanInline(string.Join(' ', paragraph)));
            paragraph.Clear();
            if (joined.Length > 0) blocks.Add(new DocumentBlock(BlockKind.Paragraph, joined));
        }

        void FlushTable()
        {
            if (table.Count == 0) return;
            var rows = table.Where(r => !TableSeparator().IsMatch(r))
                .Select(r => (IReadOnlyList<string>)SplitRow(r).Select(c => TextNormalizer.Inline(CleanInline(c))).ToList())
                .ToList();
            table.Clear();
            blocks.AddRange(TableRecords.Blocks(rows, caption: null));
        }

        for (var i = start; i < lines.Length; i++)
        {
            var raw = lines[i];
            var line = raw.Trim();

            if (line.StartsWith('|') || (table.Count > 0 && line.Contains('|')))
            {
                FlushParagraph();
                table.Add(line);
                continue;
            }
            FlushTable();

            if (line.Length == 0) { FlushParagraph(); continue; }

            var fence = Fence().Match(line);
            if (fence.Success)
            {
                FlushParagraph();
                var code = new List<string>();
                for (i++; i < lines.Length && !lines[i].Trim().StartsWith(fence.Value, StringComparison.Ordinal); i++) code.Add(lines[i]);
                var body = TextNormalizer.Block(string.Join('\n', code));
                if (body.Length > 0) blocks.Add(new DocumentBlock(BlockKind.Paragraph, body));
                continue;
            }

            var heading = AtxHeading().Match(line);
            if (heading.Success)
            {
                FlushParagraph();
                AddHeading(heading.Groups["marks"].Length, heading.Groups["text"].Value);
                continue;
            }

            // Setext: a paragraph line underlined with === or ---.
            if (paragraph.Count == 1 && SetextUnderline().IsMatch(line))
            {
                var textLine = paragraph[0];
                paragraph.Clear();
                AddHeading(line[0] == '=' ? 1 : 2, textLine);
                continue;
            }

            if (HorizontalRule().IsMatch(line)) { FlushParagraph(); continue; }

            var item = ListItem().Match(raw);
            if (item.Success)
            {
                FlushParagraph();
                var number = item.Groups["num"].Success ? item.Groups["num"].Value + ". " : string.Empty;
                var body = new List<string> { item.Groups["text"].Value };
                // Lazy continuation lines: indented text that is not a new item or block.
                while (i + 1 < lines.Length && lines[i + 1].Length > 0 && char.IsWhiteSpace(lines[i + 1][0])
                       && !ListItem().IsMatch(lines[i + 1]) && lines[i + 1].Trim().Length > 0 && !lines[i + 1].Trim().StartsWith('|'))
                    body.Add(lines[++i].Trim());
                var itemText = TextNormalizer.Inline(number + CleanInline(string.Join(' ', body)));
                if (itemText.Length > 0) blocks.Add(new DocumentBlock(BlockKind.ListItem, itemText));
                continue;
            }

            if (line.StartsWith('>')) line = line.TrimStart('>', ' ');
            // A statute paragraph (**①**) starts a new paragraph even without a blank line before it.
            if (CircledNumberStart().IsMatch(line)) FlushParagraph();
            paragraph.Add(line);
        }
        FlushParagraph();
        FlushTable();

        var title = frontMatterTitle ?? firstH1 ?? PlainTextParser.TitleFromFileName(fileName);
        return new ParsedDocument(title, "markdown", blocks);

        void AddHeading(int level, string raw)
        {
            var text = TextNormalizer.Inline(CleanInline(raw));
            if (text.Length == 0) return;
            if (level == 1) firstH1 ??= text;
            blocks.Add(new DocumentBlock(BlockKind.Heading, text, Level: level));
        }
    }

    /// <summary>Removes emphasis, code ticks, links, images, HTML tags and backslash escapes, keeping the words.</summary>
    public static string CleanInline(string text)
    {
        var s = Image().Replace(text, "${alt}");
        s = Link().Replace(s, "${text}");
        s = InlineCode().Replace(s, "${code}");
        s = Strong().Replace(s, "${inner}");
        s = Emphasis().Replace(s, "${inner}");
        s = HtmlTag().Replace(s, " ");
        s = Escape().Replace(s, "${c}");
        return s.Contains('&') ? WebUtility.HtmlDecode(s) : s;
    }

    private static int SkipFrontMatter(string[] lines, out string? title)
    {
        title = null;
        var first = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (first < 0 || lines[first].Trim() != "---") return 0;
        for (var i = first + 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Trim() is "---" or "...") return i + 1;
            var m = FrontMatterTitle().Match(line);
            if (m.Success && title is null)
            {
                var value = m.Groups["value"].Value.Trim().Trim('"', '\'').Trim();
                if (value.Length > 0) title = TextNormalizer.Inline(value);
            }
        }
        title = null; // no closing fence: it was not front matter
        return 0;
    }

    private static IEnumerable<string> SplitRow(string row)
    {
        var r = row.Trim();
        if (r.StartsWith('|')) r = r[1..];
        if (r.EndsWith('|') && !r.EndsWith("\\|")) r = r[..^1];
        return CellSplit().Split(r).Select(c => c.Replace("\\|", "|").Trim());
    }

    [GeneratedRegex(@"^(?<marks>#{1,6})(?:\s+(?<text>.*?))?\s*#*\s*$")]
    private static partial Regex AtxHeading();

    [GeneratedRegex(@"^(?:=+|-+)\s*$")]
    private static partial Regex SetextUnderline();

    [GeneratedRegex(@"^(?:\*\s*){3,}$|^(?:-\s*){3,}$|^(?:_\s*){3,}$")]
    private static partial Regex HorizontalRule();

    [GeneratedRegex(@"^(?:`{3,}|~{3,})")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^\s*(?:[-*+]|(?<num>\d{1,4})(?:\\?[.)]))\s+(?<text>.*)$")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")]
    private static partial Regex TableSeparator();

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex CellSplit();

    [GeneratedRegex(@"^(?:\*\*|__)?[①-⑳]")]
    private static partial Regex CircledNumberStart();

    [GeneratedRegex(@"^(?:title|제목)\s*:\s*(?<value>.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex FrontMatterTitle();

    [GeneratedRegex(@"!\[(?<alt>[^\]]*)\]\([^)]*\)")]
    private static partial Regex Image();

    [GeneratedRegex(@"\[(?<text>[^\]]+)\]\([^)]*\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"`(?<code>[^`]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"(\*\*|__)(?<inner>.+?)\1")]
    private static partial Regex Strong();

    // Korean particles attach right after the closing mark (*강조*와), so only the opening side needs a word boundary.
    [GeneratedRegex(@"(?<![\w*\\])\*(?<inner>[^*\s](?:[^*]*[^*\s])?)\*(?!\*)")]
    private static partial Regex Emphasis();

    [GeneratedRegex(@"</?(?:br|b|i|u|s|em|strong|span|sup|sub|p|div|a|font|mark|small|big)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"\\(?<c>[\\`*_{}\[\]()#+\-.!|<>~])")]
    private static partial Regex Escape();
}
