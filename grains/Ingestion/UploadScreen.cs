namespace KnowledgeBase.Grains.Ingestion;

/// <summary>
/// The check an upload passes before anything is stored: a supported extension, and a start of file that matches it
/// (a PDF starts with %PDF, Office and HWPX files are ZIP archives, text formats decode as text). What fails here is
/// refused at upload (415) instead of sitting in the library as a failed document whose retry can never work.
/// </summary>
public static class UploadScreen
{
    /// <summary>How much of the file the check reads.</summary>
    public const int HeadBytes = 64 * 1024;

    private static readonly HashSet<string> ZipFormats = [".docx", ".xlsx", ".pptx", ".hwpx"];
    private static readonly HashSet<string> TextFormats = [".html", ".htm", ".xhtml", ".md", ".markdown", ".txt", ".csv"];

    /// <summary>The refusal for a file, or null when it may be stored and ingested. <paramref name="head"/> is the file's
    /// first <see cref="HeadBytes"/> bytes (all of it when shorter); <paramref name="complete"/> says whether it is all.</summary>
    public static DocumentRejectedException? Check(ReadOnlySpan<byte> head, bool complete, string fileName)
    {
        var ext = Path.GetExtension(fileName).ToLowerInvariant();
        var what = ext.Length > 1 ? ext[1..].ToUpperInvariant() : "확장자 없음 (no extension)";
        if (ext == ".pdf")
            return PdfParser.IsPdf(head) ? null : DocumentRejections.Corrupt("PDF");
        if (ZipFormats.Contains(ext))
        {
            if (OleInspector.IsOle(head)) return DocumentRejections.Encrypted(what);
            return SafeZip.IsZip(head) ? null : DocumentRejections.Corrupt(what);
        }
        if (ext == ".svg") return DocumentRejections.Image("SVG");
        if (TextFormats.Contains(ext))
        {
            if (!LooksLikeText(head, complete)) return DocumentRejections.Binary();
            // An SVG is a picture (and may carry script), not text, whatever its name says.
            return IsSvg(head) ? DocumentRejections.Image("SVG") : null;
        }
        if (OleInspector.IsOle(head))
            return ext switch
            {
                ".doc" => DocumentRejections.LegacyOffice("Word(.doc)", "DOCX"),
                ".xls" => DocumentRejections.LegacyOffice("Excel(.xls)", "XLSX"),
                ".ppt" => DocumentRejections.LegacyOffice("PowerPoint(.ppt)", "PPTX"),
                ".hwp" => DocumentRejections.LegacyOffice("한글(.hwp)", "HWPX"),
                _ => DocumentRejections.Unsupported(what),
            };
        return DocumentRejections.Unsupported(what);
    }

    /// <summary>The name a file is listed under: the last path segment, without control characters and invisible
    /// formatting ones (a right-to-left override makes "report\u202Efdp.exe" read as "reportexe.pdf"), at most 255
    /// characters; "document" when nothing is left.</summary>
    public static string CleanFileName(string? name)
    {
        var last = Path.GetFileName((name ?? "").Replace('\\', '/'));
        var kept = new System.Text.StringBuilder(last.Length);
        foreach (var c in last)
            if (!char.IsControl(c) && char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format) kept.Append(c);
        var clean = kept.ToString().Trim();
        return clean.Length is 0 or > 255 ? "document" : clean;
    }

    /// <summary>Whether the markup's root element is &lt;svg&gt; (after a byte-order mark, an XML declaration, comments
    /// and a doctype).</summary>
    public static bool IsSvg(ReadOnlySpan<byte> head)
    {
        var text = TextDecoder.TryDecode(head[..Math.Min(head.Length, 4096)]) ?? System.Text.Encoding.UTF8.GetString(head[..Math.Min(head.Length, 4096)]);
        var rest = text.AsSpan().TrimStart('\uFEFF').TrimStart();
        while (rest.StartsWith("<?") || rest.StartsWith("<!"))
        {
            if (rest.StartsWith("<!DOCTYPE svg", StringComparison.OrdinalIgnoreCase)) return true;
            var end = rest.StartsWith("<!--") ? rest.IndexOf("-->") + 3 : rest.IndexOf('>') + 1;
            if (end <= 0) return false;
            rest = rest[end..].TrimStart();
        }
        return rest.StartsWith("<svg", StringComparison.OrdinalIgnoreCase)
            && (rest.Length == 4 || !char.IsAsciiLetterOrDigit(rest[4]));
    }

    // A cut head may end inside a multi-byte character: up to three trailing bytes may be dropped before deciding.
    private static bool LooksLikeText(ReadOnlySpan<byte> head, bool complete)
    {
        if (PdfParser.IsPdf(head) || SafeZip.IsZip(head) || OleInspector.IsOle(head)) return false;
        var tries = complete ? 1 : Math.Min(4, head.Length);
        for (var cut = 0; cut < tries; cut++)
            if (TextDecoder.TryDecode(head[..(head.Length - cut)]) is not null) return true;
        return false;
    }
}
