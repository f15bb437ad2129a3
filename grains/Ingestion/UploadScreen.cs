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
        if (TextFormats.Contains(ext))
            return LooksLikeText(head, complete) ? null : DocumentRejections.Binary();
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
