using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.DocumentLayoutAnalysis.PageSegmenter;
using UglyToad.PdfPig.DocumentLayoutAnalysis.ReadingOrderDetector;
using UglyToad.PdfPig.DocumentLayoutAnalysis.WordExtractor;
using UglyToad.PdfPig.Exceptions;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>PDF via PdfPig: words from letter geometry, grouped into text blocks in reading order, one page at a time.</summary>
public static class PdfParser
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
            var raw = new List<(DocumentBlock Block, double FontSize, int Lines)>();
            try
            {
                for (var number = 1; number <= pdf.NumberOfPages; number++)
                    raw.AddRange(PageBlocks(pdf.GetPage(number), number));
            }
            catch (PdfDocumentEncryptedException ex) { throw DocumentRejections.Encrypted("PDF", ex); }
            catch (Exception ex) { throw DocumentRejections.Corrupt("PDF", ex); }

            var blocks = MarkHeadings(raw);
            // Metadata titles are often a template's name; the largest text on the first page is what a reader sees as the title.
            var title = blocks.FirstOrDefault(b => b.Kind == BlockKind.Heading && b.Level == 1 && b.Page == 1)?.Text
                        ?? TextNormalizer.Inline(SafeTitle(pdf));
            if (string.IsNullOrEmpty(title)) title = PlainTextParser.TitleFromFileName(fileName);
            return new ParsedDocument(title, "pdf", blocks, pdf.NumberOfPages);
        }
    }

    private static string? SafeTitle(PdfDocument pdf)
    {
        try { return pdf.Information?.Title; }
        catch (Exception) { return null; }
    }

    /// <summary>Short blocks set clearly larger than the body text are headings; the largest on the first page is the title.</summary>
    private static List<DocumentBlock> MarkHeadings(List<(DocumentBlock Block, double FontSize, int Lines)> raw)
    {
        if (raw.Count == 0) return [];
        var sizes = raw.Select(r => r.FontSize).Where(s => s > 0).OrderBy(s => s).ToList();
        var body = sizes.Count > 0 ? sizes[sizes.Count / 2] : 0;
        var firstPageMax = raw.Where(r => r.Block.Page == 1 && r.Block.Text.Length <= 150).Select(r => r.FontSize).DefaultIfEmpty(0).Max();
        var result = new List<DocumentBlock>(raw.Count);
        foreach (var (block, size, lines) in raw)
        {
            var isHeadingSize = body > 0 && size >= body * 1.2 && block.Text.Length <= 150 && lines <= 3;
            if (!isHeadingSize) { result.Add(block); continue; }
            var level = block.Page == 1 && size >= firstPageMax - 0.01 ? 1 : 2;
            // A title set over two lines arrives as two blocks of the same size; keep it one heading.
            if (result.Count > 0 && result[^1] is { Kind: BlockKind.Heading } previous && previous.Level == level && previous.Page == block.Page && level == 1)
            {
                result[^1] = previous with { Text = previous.Text + " " + block.Text };
                continue;
            }
            result.Add(block with { Kind = BlockKind.Heading, Level = level });
        }
        return result;
    }

    private static IEnumerable<(DocumentBlock Block, double FontSize, int Lines)> PageBlocks(Page page, int number)
    {
        var letters = page.Letters;
        if (letters.Count == 0) yield break;
        var words = NearestNeighbourWordExtractor.Instance.GetWords(letters).Where(w => !string.IsNullOrWhiteSpace(w.Text)).ToList();
        if (words.Count == 0) yield break;
        var textBlocks = DocstrumBoundingBoxes.Instance.GetBlocks(words);
        var ordered = UnsupervisedReadingOrderDetector.Instance.Get(textBlocks);
        foreach (var block in ordered)
        {
            var lines = block.TextLines.Select(l => TextNormalizer.Inline(string.Join(' ', l.Words.Select(w => w.Text))))
                .Where(l => l.Length > 0);
            var text = JoinLines(lines);
            if (text.Length == 0) continue;
            var letterSizes = block.TextLines.SelectMany(l => l.Words).SelectMany(w => w.Letters).Select(l => l.PointSize).ToList();
            var size = letterSizes.Count > 0 ? letterSizes.Average() : 0;
            yield return (new DocumentBlock(BlockKind.Paragraph, text, number), size, block.TextLines.Count);
        }
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
