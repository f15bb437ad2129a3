using KnowledgeBase.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>The one <see cref="IDocumentParser"/>: reads the bytes once, detects the real format from content, and hands off to that format's parser.</summary>
public sealed class DocumentParser(IOptions<KnowledgeBaseOptions> options) : IDocumentParser
{
    public ParsedDocument Parse(Stream content, string fileName, string? declaredContentType)
    {
        ArgumentNullException.ThrowIfNull(content);
        var bytes = ReadAll(content, options.Value.MaxUploadBytes);
        if (bytes.Length == 0) throw DocumentRejections.Empty();

        ParsedDocument document;
        try
        {
            document = ParseDetected(bytes, fileName ?? string.Empty, declaredContentType);
        }
        catch (DocumentRejectedException)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw DocumentRejections.Corrupt(FormatName(bytes, fileName ?? string.Empty), ex);
        }

        if (!document.Blocks.Any(b => b.Kind != BlockKind.Heading && !string.IsNullOrWhiteSpace(b.Text)))
            throw DocumentRejections.NoText();
        return document;
    }

    /// <summary>The format is decided by the bytes; the name and declared type only choose among text flavours (Markdown, CSV).</summary>
    private static ParsedDocument ParseDetected(byte[] bytes, string fileName, string? contentType)
    {
        if (PdfParser.IsPdf(bytes)) return PdfParser.Parse(bytes, fileName);
        if (OleInspector.IsOle(bytes)) throw OleInspector.Refuse(bytes, fileName);
        if (SafeZip.IsZip(bytes)) return ParseZip(bytes, fileName);

        var text = TextDecoder.TryDecode(bytes) ?? throw DocumentRejections.Binary();
        if (HtmlDocumentParser.LooksLikeHtml(text) || IsHtmlName(fileName, contentType) && text.TrimStart().StartsWith('<'))
            return HtmlDocumentParser.Parse(text, fileName);
        if (CsvParser.IsCsv(fileName, contentType)) return CsvParser.Parse(text, fileName);
        return IsMarkdown(fileName, contentType) ? MarkdownParser.Parse(text, fileName) : PlainTextParser.Parse(text, fileName);
    }

    private static ParsedDocument ParseZip(byte[] bytes, string fileName)
    {
        using var archive = SafeZip.OpenVerified(bytes);
        if (HwpxParser.IsHwpx(archive)) return HwpxParser.Parse(archive, fileName);
        var hasContentTypes = SafeZip.Find(archive, "[Content_Types].xml") is not null;
        bool Has(string prefix) => archive.Entries.Any(e => e.FullName.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        if (hasContentTypes && Has("word/")) return DocxParser.Parse(bytes, fileName);
        if (hasContentTypes && Has("xl/")) return XlsxParser.Parse(bytes, fileName);
        if (hasContentTypes && Has("ppt/")) return PptxParser.Parse(bytes, fileName);
        throw DocumentRejections.Unsupported("ZIP");
    }

    private static bool IsHtmlName(string fileName, string? contentType) =>
        Path.GetExtension(fileName).ToLowerInvariant() is ".html" or ".htm" or ".xhtml" ||
        (contentType ?? string.Empty).Contains("html", StringComparison.OrdinalIgnoreCase);

    private static bool IsMarkdown(string fileName, string? contentType) =>
        Path.GetExtension(fileName).ToLowerInvariant() is ".md" or ".markdown" ||
        (contentType ?? string.Empty).Contains("markdown", StringComparison.OrdinalIgnoreCase);

    private static string FormatName(byte[] bytes, string fileName)
    {
        if (PdfParser.IsPdf(bytes)) return "PDF";
        var ext = Path.GetExtension(fileName).TrimStart('.').ToUpperInvariant();
        return ext.Length > 0 ? ext : "문서";
    }

    private static byte[] ReadAll(Stream content, long maxBytes)
    {
        if (content.CanSeek && content.Length - content.Position > maxBytes) throw DocumentRejections.TooLarge(maxBytes);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = content.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw DocumentRejections.TooLarge(maxBytes);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
