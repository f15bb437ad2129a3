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
            throw DocumentRejections.Corrupt(Path.GetExtension(fileName ?? string.Empty).TrimStart('.').ToUpperInvariant() is { Length: > 0 } ext ? ext : "문서", ex);
        }

        if (!document.Blocks.Any(b => b.Kind != BlockKind.Heading && !string.IsNullOrWhiteSpace(b.Text))
            && !document.Blocks.Any(b => !string.IsNullOrWhiteSpace(b.Text)))
            throw DocumentRejections.NoText();
        return document;
    }

    private static ParsedDocument ParseDetected(byte[] bytes, string fileName, string? contentType)
    {
        var text = TextDecoder.TryDecode(bytes) ?? throw DocumentRejections.Binary();
        return IsMarkdown(fileName, contentType) ? MarkdownParser.Parse(text, fileName) : PlainTextParser.Parse(text, fileName);
    }

    private static bool IsMarkdown(string fileName, string? contentType) =>
        Path.GetExtension(fileName).ToLowerInvariant() is ".md" or ".markdown" ||
        (contentType ?? string.Empty).Contains("markdown", StringComparison.OrdinalIgnoreCase);

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
