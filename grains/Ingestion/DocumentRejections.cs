namespace KnowledgeBase.Grains.Ingestion;

/// <summary>The refusals ingestion can give, each with a stable code and a bilingual message a person can act on.</summary>
public static class DocumentRejections
{
    public const string UnsupportedTypeCode = "unsupported_type";
    public const string EmptyFileCode = "empty_file";
    public const string CorruptFileCode = "corrupt_file";
    public const string EncryptedFileCode = "encrypted_file";
    public const string TooLargeCode = "too_large";
    public const string ZipBombCode = "zip_bomb";
    public const string NoTextCode = "no_text";

    public static DocumentRejectedException Empty() =>
        new(EmptyFileCode, "빈 파일입니다. (The file is empty.)");

    public static DocumentRejectedException TooLarge(long maxBytes) =>
        new(TooLargeCode, $"파일이 너무 큽니다. 최대 {maxBytes / (1024 * 1024)}MB까지 올릴 수 있습니다. (The file is larger than the {maxBytes / (1024 * 1024)} MB limit.)");

    public static DocumentRejectedException Unsupported(string what) =>
        new(UnsupportedTypeCode, $"지원하지 않는 파일 형식입니다: {what}. PDF, DOCX, XLSX, PPTX, HWPX, HTML, Markdown, 텍스트, CSV 파일을 올려 주세요. " +
            $"(Unsupported file type: {what}. Upload PDF, DOCX, XLSX, PPTX, HWPX, HTML, Markdown, text or CSV.)");

    public static DocumentRejectedException Image(string what) =>
        new(UnsupportedTypeCode, $"{what} 파일은 그림이라 문서로 올릴 수 없습니다. 글이 담긴 문서(PDF, DOCX, HWPX, HTML, 텍스트 등)를 올려 주세요. " +
            $"({what} files are pictures, not documents; upload a document with text.)");

    public static DocumentRejectedException LegacyOffice(string kind, string saveAs) =>
        new(UnsupportedTypeCode, $"예전 형식의 {kind} 파일은 지원하지 않습니다. {saveAs} 형식으로 다시 저장해서 올려 주세요. " +
            $"(Legacy {kind} files are not supported; save the file as {saveAs} and upload it again.)");

    public static DocumentRejectedException Binary() =>
        new(UnsupportedTypeCode, "텍스트로 읽을 수 없는 파일입니다. 지원하는 문서 형식(PDF, DOCX, XLSX, PPTX, HWPX, HTML, 텍스트)으로 올려 주세요. " +
            "(The file is not a supported document and does not decode as text.)");

    public static DocumentRejectedException Corrupt(string format, Exception? inner = null) =>
        new(CorruptFileCode, $"{format} 파일이 손상되어 읽을 수 없습니다. 원본 파일을 다시 저장해서 올려 주세요. " +
            $"(The {format} file is damaged or truncated and cannot be read.)", inner);

    public static DocumentRejectedException Encrypted(string format, Exception? inner = null) =>
        new(EncryptedFileCode, $"암호가 걸린 {format} 파일입니다. 암호를 해제한 뒤 다시 올려 주세요. " +
            $"(The {format} file is password-protected or encrypted; remove the password and upload it again.)", inner);

    public static DocumentRejectedException ZipBomb(string reason) =>
        new(ZipBombCode, $"압축을 풀면 지나치게 커지는 파일이라 처리하지 않습니다. ({reason})");

    public static DocumentRejectedException NoText() =>
        new(NoTextCode, "문서에서 텍스트를 찾을 수 없습니다. 스캔한 이미지라면 텍스트가 있는 파일로 올려 주세요. " +
            "(No readable text was found in the document; scanned images need OCR first.)");
}
