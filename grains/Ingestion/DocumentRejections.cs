namespace KnowledgeBase.Grains.Ingestion;

/// <summary>The refusals ingestion can give, each with a stable code (the web UI words it) and an English message a person can act on.</summary>
public static class DocumentRejections
{
    public const string UnsupportedTypeCode = ErrorCodes.UnsupportedType;
    public const string EmptyFileCode = ErrorCodes.EmptyFile;
    public const string CorruptFileCode = ErrorCodes.CorruptFile;
    public const string EncryptedFileCode = ErrorCodes.EncryptedFile;
    public const string TooLargeCode = ErrorCodes.TooLarge;
    public const string ZipBombCode = ErrorCodes.ZipBomb;
    public const string NoTextCode = ErrorCodes.NoText;

    public static DocumentRejectedException Empty() =>
        new(EmptyFileCode, "The file is empty.");

    public static DocumentRejectedException TooLarge(long maxBytes) =>
        new(TooLargeCode, $"The file is larger than the {maxBytes / (1024 * 1024)} MB limit.", values: Named("maxMb", (maxBytes / (1024 * 1024)).ToString()));

    public static DocumentRejectedException Unsupported(string what) =>
        new(UnsupportedTypeCode, $"Unsupported file type: {(what.Length > 0 ? what : "no extension")}. Upload PDF, DOCX, XLSX, PPTX, HWPX, HTML, Markdown, text or CSV.",
            values: what.Length > 0 ? Named("format", what) : null);

    public static DocumentRejectedException Image(string what) =>
        new(UnsupportedTypeCode, $"{what} 파일은 그림이라 문서로 올릴 수 없습니다. 글이 담긴 문서(PDF, DOCX, HWPX, HTML, 텍스트 등)를 올려 주세요. " +
            $"({what} files are pictures, not documents; upload a document with text.)");

    public static DocumentRejectedException LegacyOffice(string kind, string saveAs) =>
        new(ErrorCodes.LegacyFormat, $"Legacy {kind} files are not supported; save the file as {saveAs} and upload it again.",
            values: new Dictionary<string, string> { ["kind"] = kind, ["saveAs"] = saveAs });

    public static DocumentRejectedException Binary() =>
        new(UnsupportedTypeCode, "The file is not a supported document and does not decode as text.");

    public static DocumentRejectedException Corrupt(string format, Exception? inner = null) =>
        new(CorruptFileCode, $"The {format} file is damaged or truncated and cannot be read.", inner, Named("format", format));

    public static DocumentRejectedException Encrypted(string format, Exception? inner = null) =>
        new(EncryptedFileCode, $"The {format} file is password-protected or encrypted; remove the password and upload it again.", inner, Named("format", format));

    public static DocumentRejectedException ZipBomb(string reason) =>
        new(ZipBombCode, $"The file expands to far more than its size when unpacked, so it is not processed ({reason}).");

    public static DocumentRejectedException NoText() =>
        new(NoTextCode, "No readable text was found in the document; scanned images need OCR first.");

    private static Dictionary<string, string> Named(string name, string value) => new() { [name] = value };
}
