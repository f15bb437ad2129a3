using System.Text;
using System.Text.RegularExpressions;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>Puts extracted text in one canonical shape (NFC, no control characters, tidy whitespace) so Hangul compares and splits correctly.</summary>
public static partial class TextNormalizer
{
    /// <summary>One logical line: NFC, control characters dropped, whitespace runs collapsed to one space.</summary>
    public static string Inline(string? text)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        return WhiteRuns().Replace(StripControls(Nfc(text)), " ").Trim();
    }

    /// <summary>Multi-line text: NFC, each line tidied, runs of blank lines collapsed.</summary>
    public static string Block(string? text)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        var lines = Nfc(text).Replace("\r\n", "\n").Replace('\r', '\n').Split('\n')
            .Select(l => Spaces().Replace(StripControls(l), " ").Trim());
        var sb = new StringBuilder();
        var blank = false;
        foreach (var line in lines)
        {
            if (line.Length == 0) { blank = sb.Length > 0; continue; }
            if (sb.Length > 0) sb.Append(blank ? "\n\n" : "\n");
            sb.Append(line);
            blank = false;
        }
        return sb.ToString();
    }

    public static string Nfc(string text) => text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);

    private static string StripControls(string text)
    {
        var needs = false;
        foreach (var c in text)
            if (IsDroppable(c)) { needs = true; break; }
        if (!needs) return text;
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c == '\t' || c == '\u00A0' || c == '\u3000') sb.Append(' ');
            else if (!IsDroppable(c)) sb.Append(c);
        }
        return sb.ToString();
    }

    // Tabs and no-break spaces become spaces; other controls, zero-width marks and U+FFFD carry no text.
    private static bool IsDroppable(char c) =>
        c == '\t' || c == '\u00A0' || c == '\u3000' || c == '\uFEFF' || c == '\u200B' || c == '\uFFFD' || (char.IsControl(c) && c != '\n');

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteRuns();

    [GeneratedRegex(@"[ \t\u00A0\u3000]+")]
    private static partial Regex Spaces();
}
