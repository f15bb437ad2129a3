using System.Text.RegularExpressions;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>Plain text: paragraphs by blank lines, list lines as list items, and statute-style lines (제1장, 제60조(…)) as headings.</summary>
public static partial class PlainTextParser
{
    public static ParsedDocument Parse(string text, string fileName)
    {
        var lines = TextNormalizer.Nfc(text).Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        var blocks = new List<DocumentBlock>();
        var paragraph = new List<string>();
        string? title = null;

        void FlushParagraph()
        {
            if (paragraph.Count == 0) return;
            var joined = TextNormalizer.Inline(string.Join(' ', paragraph));
            paragraph.Clear();
            if (joined.Length > 0) blocks.Add(new DocumentBlock(BlockKind.Paragraph, joined));
        }

        var firstContent = Array.FindIndex(lines, l => l.Trim().Length > 0);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) { FlushParagraph(); continue; }

            if (i == firstContent && LooksLikeTitle(lines, i))
            {
                title = TextNormalizer.Inline(line);
                blocks.Add(new DocumentBlock(BlockKind.Heading, title, Level: 1));
                continue;
            }

            if (KoreanStructure.TryMatchHeading(line, out var heading))
            {
                FlushParagraph();
                blocks.Add(new DocumentBlock(BlockKind.Heading, TextNormalizer.Inline(heading.Heading), Level: heading.Level));
                if (heading.Rest.Length > 0) paragraph.Add(heading.Rest);
                continue;
            }

            var item = ListMarker().Match(line);
            if (item.Success)
            {
                FlushParagraph();
                var marker = item.Groups["num"].Success ? item.Groups["num"].Value + " " : string.Empty;
                blocks.Add(new DocumentBlock(BlockKind.ListItem, TextNormalizer.Inline(marker + line[item.Length..])));
                continue;
            }

            // A statute paragraph (①, ②, …) starts a new paragraph even without a blank line before it.
            if (line[0] is >= '①' and <= '⑳') FlushParagraph();
            paragraph.Add(line);
        }
        FlushParagraph();

        return new ParsedDocument(title ?? TitleFromFileName(fileName), "text", blocks);
    }

    public static string TitleFromFileName(string fileName)
    {
        var name = Path.GetFileNameWithoutExtension(fileName ?? string.Empty);
        return string.IsNullOrWhiteSpace(name) ? "문서" : TextNormalizer.Inline(name);
    }

    // A short first line, standing alone, that does not read as a sentence: the document's name.
    private static bool LooksLikeTitle(string[] lines, int index)
    {
        var line = lines[index].Trim();
        if (line.Length > 60 || KoreanStructure.TryMatchHeading(line, out _) || ListMarker().IsMatch(line)) return false;
        if (line[^1] is '.' or '!' or '?' or ':' or ',' or '。') return false;
        var next = index + 1 < lines.Length ? lines[index + 1].Trim() : string.Empty;
        return next.Length == 0 || KoreanStructure.TryMatchHeading(next, out _);
    }

    [GeneratedRegex(@"^(?:[-*•·◦▪○●□■※]|(?<num>\d{1,3}[.)]|[가-하][.)]|\(\d{1,3}\)|\([가-하]\)))\s+")]
    private static partial Regex ListMarker();
}
