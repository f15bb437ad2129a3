using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.DocumentLayoutAnalysis;
using UglyToad.PdfPig.DocumentLayoutAnalysis.PageSegmenter;
using UglyToad.PdfPig.DocumentLayoutAnalysis.ReadingOrderDetector;
using UglyToad.PdfPig.DocumentLayoutAnalysis.WordExtractor;
using UglyToad.PdfPig.Exceptions;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>PDF via PdfPig: words from letter geometry, tables found by <see cref="PdfTables"/> and written as records, the
/// other words grouped into text blocks in reading order, one page at a time.</summary>
public static partial class PdfParser
{
    public static bool IsPdf(ReadOnlySpan<byte> bytes)
    {
        // The header may follow a little junk; readers accept it within the first kilobyte.
        var head = bytes[..Math.Min(bytes.Length, 1024)];
        return head.IndexOf("%PDF-"u8) >= 0;
    }

    public static ParsedDocument Parse(byte[] bytes, string fileName)
    {
        PdfDocument pdf;
        try
        {
            pdf = PdfDocument.Open(bytes, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
        }
        catch (PdfDocumentEncryptedException ex) { throw DocumentRejections.Encrypted("PDF", ex); }
        catch (Exception ex) { throw DocumentRejections.Corrupt("PDF", ex); }

        using (pdf)
        {
            var raw = new List<Piece>();
            try
            {
                for (var number = 1; number <= pdf.NumberOfPages; number++)
                    raw.AddRange(PageBlocks(pdf.GetPage(number), number));
            }
            catch (PdfDocumentEncryptedException ex) { throw DocumentRejections.Encrypted("PDF", ex); }
            catch (Exception ex) { throw DocumentRejections.Corrupt("PDF", ex); }

            var blocks = WithTables(raw, MarkHeadings(raw));
            // Metadata titles are often a template's name; the largest text on the first page is what a reader sees as the title.
            var title = blocks.FirstOrDefault(b => b.Kind == BlockKind.Heading && b.Level == 1 && b.Page == 1)?.Text
                        ?? TextNormalizer.Inline(SafeTitle(pdf));
            if (string.IsNullOrEmpty(title)) title = PlainTextParser.TitleFromFileName(fileName);
            return new ParsedDocument(title, "pdf", blocks, pdf.NumberOfPages);
        }
    }

    /// <summary>A text piece of a page, or a table found there (<see cref="Table"/> set), with where it lies.</summary>
    private sealed record Piece(DocumentBlock Block, double FontSize, int Lines, bool Bold, PdfRectangle Box, PdfTables.PageTable? Table = null);

    /// <summary>The document's blocks with each table written as records (<see cref="TableRecords"/>). A short paragraph
    /// right above a table that reads as a caption ("표 1. …", or set in bold) names it and leaves the body text. A table
    /// that goes on at the top of the next page with the same columns is one table: a header repeated there is dropped,
    /// and rows on either page are records under the first page's header.</summary>
    private static List<DocumentBlock> WithTables(List<Piece> raw, List<DocumentBlock?> marked)
    {
        var result = new List<DocumentBlock>(raw.Count);
        List<string[]>? rows = null;
        List<int?> rowPages = [];
        string? caption = null;
        Piece? lastTable = null;
        (Piece Piece, DocumentBlock Block)? lastText = null;
        var held = new List<DocumentBlock>();

        void Flush()
        {
            if (rows is not null) result.AddRange(TableRecords.Blocks(rows, caption, rowPages: rowPages));
            result.AddRange(held);
            rows = null;
            lastTable = null;
            held.Clear();
        }

        for (var i = 0; i < raw.Count; i++)
        {
            var piece = raw[i];
            if (piece.Table is not { } table)
            {
                if (marked[i] is not { } block) continue;
                // A page number between the two parts of a table does not end it.
                if (rows is not null && !block.Text.Any(char.IsLetter)) { held.Add(block); continue; }
                Flush();
                result.Add(block);
                lastText = (piece, block);
                continue;
            }

            var page = piece.Block.Page;
            if (rows is not null && lastTable is not null && page == lastTable.Block.Page + 1 && Continues(lastTable, piece))
            {
                var repeated = 0;
                while (repeated < table.Rows.Count && repeated < rows.Count && table.Rows[repeated].SequenceEqual(rows[repeated])) repeated++;
                foreach (var row in table.Rows.Skip(repeated))
                {
                    rows.Add(row);
                    rowPages.Add(page);
                }
                lastTable = piece;
                continue;
            }

            Flush();
            caption = null;
            if (result.Count > 0 && result[^1] is { Kind: BlockKind.Paragraph } before && lastText is { } text && ReferenceEquals(text.Block, before)
                && before.Page == page && IsCaptionAbove(text.Piece, before.Text, piece.Box))
            {
                caption = before.Text;
                result.RemoveAt(result.Count - 1);
            }
            rows = [.. table.Rows];
            rowPages = [.. table.Rows.Select(_ => page)];
            lastTable = piece;
        }
        Flush();
        return result;
    }

    private static bool Continues(Piece previous, Piece next) =>
        previous.Table!.Rows[0].Length == next.Table!.Rows[0].Length
        && Math.Abs(previous.Box.Left - next.Box.Left) <= 3 && Math.Abs(previous.Box.Right - next.Box.Right) <= 3;

    private static bool IsCaptionAbove(Piece paragraph, string text, PdfRectangle table) =>
        paragraph.Box.Bottom - table.Top <= 3 * Math.Max(paragraph.FontSize, 1) && paragraph.Box.Bottom >= table.Top - 1
        && (TableRecords.IsCaption(text) || (paragraph.Bold && text.Length <= 60 && !text.EndsWith('.')));

    private static string? SafeTitle(PdfDocument pdf)
    {
        try { return pdf.Information?.Title; }
        catch (Exception) { return null; }
    }

    /// <summary>Headings: short blocks set clearly larger than the body text, or bold and numbered ("1.", "가.", "Ⅱ.",
    /// "(1)", "제3조"). The largest on the first page is the title (level 1). Below it, statute-style headings keep the
    /// levels they have in every other format (제N장 3, 제N조 6); other numbering styles nest in the order the document
    /// first uses them (the first style seen is the outermost), and unnumbered headings by size (larger is outer).</summary>
    private static List<DocumentBlock?> MarkHeadings(List<Piece> raw)
    {
        var text = raw.Where(r => r.Table is null).ToList();
        if (text.Count == 0) return raw.Select(_ => (DocumentBlock?)null).ToList();
        var body = BodySize(text);
        var firstPageMax = text.Where(r => r.Block.Page == 1 && r.Block.Text.Length <= 150).Select(r => r.FontSize).DefaultIfEmpty(0).Max();
        var styles = new List<string>();
        var result = new List<DocumentBlock?>(raw.Count);
        foreach (var (block, size, lines, bold, _, table) in raw)
        {
            if (table is not null) { result.Add(null); continue; }
            var shortBlock = block.Text.Length <= 150 && lines <= 3;
            var numbering = Numbering(block.Text);
            var larger = body > 0 && size >= body * 1.18;
            if (!shortBlock || !(larger || (bold && numbering is not null && size >= body * 0.95))) { result.Add(block); continue; }


            int level;
            if (block.Page == 1 && size >= firstPageMax - 0.01 && larger && numbering is null) level = 1;
            else if (KoreanStructure.TryMatchHeading(block.Text, out var statute) && statute.Rest.Length == 0) level = statute.Level;
            else
            {
                var style = numbering ?? "size:" + Math.Round(size * 2) / 2;
                if (!styles.Contains(style)) styles.Add(style);
                // Unnumbered headings rank among themselves by size; numbered ones by first use.
                level = 2 + (numbering is null
                    ? styles.Where(s => s.StartsWith("size:")).Count(s => double.Parse(s[5..], System.Globalization.CultureInfo.InvariantCulture) > size + 0.01)
                    : styles.Where(s => !s.StartsWith("size:")).ToList().IndexOf(style));
                level = Math.Min(level, 5);
            }
            // A title set over two lines arrives as two blocks of the same size; keep it one heading.
            if (level == 1 && result.Count > 0 && result[^1] is { Kind: BlockKind.Heading, Level: 1 } previous && previous.Page == block.Page)
            {
                result[^1] = previous with { Text = previous.Text + " " + block.Text };
                result.Add(null);
                continue;
            }
            result.Add(block with { Kind = BlockKind.Heading, Level = level });
        }
        return result;
    }

    /// <summary>The body text's size: the size of the median character, so a page of many short headings and a few long
    /// paragraphs still reads the paragraphs' size as the body's.</summary>
    private static double BodySize(List<Piece> raw)
    {
        var sized = raw.Where(r => r.FontSize > 0).OrderBy(r => r.FontSize).ToList();
        var half = sized.Sum(r => r.Block.Text.Length) / 2;
        foreach (var (block, size, _, _, _, _) in sized)
        {
            half -= block.Text.Length;
            if (half < 0) return size;
        }
        return sized.Count > 0 ? sized[^1].FontSize : 0;
    }

    /// <summary>The numbering style a heading starts with, or null: roman (Ⅱ. / II.), arabic (3.), dotted (3.1),
    /// hangul (가.), parenthesised ((1), 1)), circled (①), statute (제3조, 제2장).</summary>
    private static string? Numbering(string text)
    {
        var m = NumberingPattern().Match(text);
        if (!m.Success) return null;
        foreach (var name in (string[])["statute", "roman", "dotted", "arabic", "hangul", "paren", "circled"])
            if (m.Groups[name].Success) return name;
        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:(?<statute>제\s?\d+\s?[편장절관조])|(?<roman>[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+\.?\s|X{0,3}(?:IX|IV|VI{0,3}|I{1,3})\.\s)|(?<dotted>\d{1,2}\.\d{1,2}\.?\s)|(?<arabic>\d{1,2}[.)]\s)|(?<hangul>[가나다라마바사아자차카타파하][.)]\s)|(?<paren>\(\d{1,2}\)\s?)|(?<circled>[①-⑳]\s?))")]
    private static partial System.Text.RegularExpressions.Regex NumberingPattern();

    /// <summary>A page's text pieces in reading order, each table placed before the first piece that starts below its top.</summary>
    private static List<Piece> PageBlocks(Page page, int number)
    {
        var letters = page.Letters;
        if (letters.Count == 0) return [];
        var words = NearestNeighbourWordExtractor.Instance.GetWords(letters).Where(w => !string.IsNullOrWhiteSpace(w.Text)).ToList();
        if (words.Count == 0) return [];
        var tables = PdfTables.Find(page, words);
        var taken = tables.SelectMany(t => t.Words).ToHashSet();
        var rest = words.Where(w => !taken.Contains(w)).ToList();
        var pieces = rest.Count == 0 ? [] : TextPieces(rest, number).ToList();
        var from = 0;
        foreach (var table in tables.OrderByDescending(t => t.Bounds.Top))
        {
            var at = pieces.FindIndex(from, p => p.Box.Top < table.Bounds.Top);
            if (at < 0) at = pieces.Count;
            pieces.Insert(at, new Piece(new DocumentBlock(BlockKind.Table, string.Empty, number), 0, 0, false, table.Bounds, table));
            from = at + 1;
        }
        return pieces;
    }

    private static IEnumerable<Piece> TextPieces(List<Word> words, int number)
    {
        var textBlocks = DocstrumBoundingBoxes.Instance.GetBlocks(words);
        var ordered = UnsupervisedReadingOrderDetector.Instance.Get(textBlocks);
        foreach (var block in ordered)
        {
            // A heading line set tight above its paragraph lands in the paragraph's block: lines of another size or
            // weight than their neighbours start a block of their own.
            var run = new List<TextLine>();
            (double Size, bool Bold) runStyle = default;
            foreach (var line in block.TextLines)
            {
                var style = Style(line.Words.SelectMany(w => w.Letters));
                if (run.Count > 0 && (Math.Abs(style.Size - runStyle.Size) > 0.75 || style.Bold != runStyle.Bold))
                {
                    if (ToPiece(run, runStyle, number) is { } piece) yield return piece;
                    run.Clear();
                }
                if (run.Count == 0) runStyle = style;
                run.Add(line);
            }
            if (ToPiece(run, runStyle, number) is { } last) yield return last;
        }
    }

    private static Piece? ToPiece(List<TextLine> lines, (double Size, bool Bold) style, int page)
    {
        var text = JoinLines(lines.Select(l => TextNormalizer.Inline(string.Join(' ', l.Words.Select(w => w.Text)))).Where(l => l.Length > 0));
        if (text.Length == 0) return null;
        var box = new PdfRectangle(lines.Min(l => l.BoundingBox.Left), lines.Min(l => l.BoundingBox.Bottom), lines.Max(l => l.BoundingBox.Right), lines.Max(l => l.BoundingBox.Top));
        return new Piece(new DocumentBlock(BlockKind.Paragraph, text, page), style.Size, lines.Count, style.Bold, box);
    }

    /// <summary>Average size and weight of some letters; bold when most are set in a bold face.</summary>
    private static (double Size, bool Bold) Style(IEnumerable<Letter> letters)
    {
        var visible = letters.Where(l => !string.IsNullOrWhiteSpace(l.Value)).ToList();
        if (visible.Count == 0) return (0, false);
        return (visible.Average(l => l.PointSize), visible.Count(IsBold) * 2 > visible.Count);
    }

    private static bool IsBold(Letter letter)
    {
        var name = letter.FontName ?? "";
        return name.Contains("Bold", StringComparison.OrdinalIgnoreCase) || name.Contains("Black", StringComparison.OrdinalIgnoreCase)
            || name.Contains("Heavy", StringComparison.OrdinalIgnoreCase) || name.EndsWith(",B", StringComparison.Ordinal);
    }

    // Lines of one block are one paragraph; a hyphen at a line end of English text joins the word back.
    private static string JoinLines(IEnumerable<string> lines)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var line in lines)
        {
            if (sb.Length == 0) { sb.Append(line); continue; }
            if (sb[^1] == '-' && sb.Length > 1 && char.IsAsciiLetterLower(sb[^2]) && line.Length > 0 && char.IsAsciiLetterLower(line[0]))
                sb.Length--;
            else
                sb.Append(' ');
            sb.Append(line);
        }
        return sb.ToString();
    }
}
