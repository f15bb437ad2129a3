using System.Text.RegularExpressions;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>Recognises the headings of Korean statutes and company rules (제1편, 제2장, 제3절, 제60조의2(…), 부칙) in running text.</summary>
public static partial class KoreanStructure
{
    /// <summary>A heading found at the start of a line, with any body text that followed it on the same line.</summary>
    public readonly record struct StatuteHeading(int Level, string Heading, string Rest);

    public static bool TryMatchHeading(string line, out StatuteHeading heading)
    {
        heading = default;
        var text = line.Trim();
        if (text.Length == 0 || text.Length > 400) return false;

        var article = Article().Match(text);
        if (article.Success)
        {
            var head = article.Groups["head"].Value.Trim();
            var rest = text[article.Length..].Trim();
            heading = new StatuteHeading(6, head, rest);
            return true;
        }

        var division = Division().Match(text);
        if (division.Success && text.Length <= 80 && !EndsLikeSentence(text))
        {
            var level = division.Groups["unit"].Value switch { "편" => 2, "장" => 3, "절" => 4, _ => 5 };
            heading = new StatuteHeading(level, text, string.Empty);
            return true;
        }

        if (Addenda().IsMatch(text))
        {
            heading = new StatuteHeading(2, text, string.Empty);
            return true;
        }
        return false;
    }

    /// <summary>Trailing amendment notes such as "&lt;개정 2012.2.1&gt;" or "[본조신설 2019.1.15]" say nothing about the topic; section paths drop them.</summary>
    public static string WithoutAmendmentNotes(string heading)
    {
        var text = heading.Trim();
        while (true)
        {
            var m = TrailingNote().Match(text);
            if (!m.Success || m.Index == 0) return text;
            text = text[..m.Index].TrimEnd();
        }
    }

    public static bool EndsLikeSentence(string text)
    {
        var t = text.TrimEnd();
        return t.EndsWith("다.") || t.EndsWith("요.") || (t.EndsWith('다') && t.Length > 30) || (t.EndsWith('.') && t.Length > 30);
    }

    // 제60조, 제60조의2, 제60조(연차 유급휴가), 제 60 조 — but not 제60조제1항 or 제60조에 (a cross-reference).
    [GeneratedRegex(@"^(?<head>제\s?\d+\s?조(?:의\s?\d+)?(?:\s*\([^)]{1,60}\))?)(?=$|\s|\()")]
    private static partial Regex Article();

    [GeneratedRegex(@"^제\s?\d+\s?(?<unit>편|장|절|관)(?:의\s?\d+)?(?:\s|$)")]
    private static partial Regex Division();

    [GeneratedRegex(@"^부\s?칙(?:\s*[<(\[][^>)\]]*[>)\]])?$")]
    private static partial Regex Addenda();

    [GeneratedRegex(@"\s*(?:<[^<>]*\d[^<>]*>|\[[^\[\]]*\d[^\[\]]*\])\s*$")]
    private static partial Regex TrailingNote();
}
