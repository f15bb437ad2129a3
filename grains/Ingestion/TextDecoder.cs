using System.Text;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>Decodes bytes that claim to be text: BOMs first, then strict UTF-8, then CP949 (EUC-KR) for older Korean files; refuses binary.</summary>
public static class TextDecoder
{
    static TextDecoder() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    /// <summary>The text, or null when the bytes are not text in any encoding we accept.</summary>
    public static string? TryDecode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return TryStrict(StrictUtf8, bytes[3..]);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00])) return TryStrict(new UTF32Encoding(false, false, true), bytes[4..]);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return TryStrict(new UnicodeEncoding(false, false, true), bytes[2..]);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return TryStrict(new UnicodeEncoding(true, false, true), bytes[2..]);

        if (LooksLikeBomlessUtf16(bytes, out var bigEndian))
            return TryStrict(new UnicodeEncoding(bigEndian, false, true), bytes);

        return TryStrict(StrictUtf8, bytes) ?? TryStrict(Cp949, bytes);
    }

    private static Encoding Cp949 => Encoding.GetEncoding(949, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    private static string? TryStrict(Encoding encoding, ReadOnlySpan<byte> bytes)
    {
        string text;
        try { text = encoding.GetString(bytes); }
        catch (DecoderFallbackException) { return null; }
        return LooksLikeText(text) ? text : null;
    }

    /// <summary>Text has almost no control characters besides line breaks and tabs; binary that happens to decode has many.</summary>
    private static bool LooksLikeText(string text)
    {
        if (text.Length == 0) return true;
        var controls = 0;
        foreach (var c in text)
        {
            if (c == '\0') return false;
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') controls++;
            else if (c is >= '\u007F' and < '\u00A0' or '\uFFFD') controls++;
        }
        return controls <= Math.Max(1, text.Length / 200);
    }

    // ASCII-heavy UTF-16 without a BOM shows as a NUL in every other byte.
    private static bool LooksLikeBomlessUtf16(ReadOnlySpan<byte> bytes, out bool bigEndian)
    {
        bigEndian = false;
        var n = Math.Min(bytes.Length & ~1, 4096);
        if (n < 8) return false;
        int evenZeros = 0, oddZeros = 0;
        for (var i = 0; i < n; i += 2)
        {
            if (bytes[i] == 0) evenZeros++;
            if (bytes[i + 1] == 0) oddZeros++;
        }
        var pairs = n / 2;
        if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return true;
        if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) { bigEndian = true; return true; }
        return false;
    }
}
