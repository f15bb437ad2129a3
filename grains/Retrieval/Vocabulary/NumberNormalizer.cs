using System.Globalization;
using System.Text.RegularExpressions;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>Canonical tokens for the numbers and units of a text, so a question and a table meet whatever their notation:
/// 100,000 = 100000 = 10만원 (100000, 100000원), 오후 4시 = 16:00 = 4 pm (16:00), 2주 = 14일 = 2 weeks (14일),
/// 1년 = 12개월, 50% = 50퍼센트 = 100분의 50 (50%). The index keeps a chunk's tokens in a field of their own; a question's
/// tokens are searched in it.</summary>
public static partial class NumberNormalizer
{
    /// <summary>The canonical tokens of <paramref name="text"/>, distinct, in order of appearance.</summary>
    public static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        if (string.IsNullOrEmpty(text) || !text.AsSpan().ContainsAnyInRange('0', '9')) return tokens;
        void Add(string token)
        {
            if (!tokens.Contains(token)) tokens.Add(token);
        }

        foreach (Match m in Amount().Matches(text))
        {
            if (!TryNumber(m.Groups["n"].Value, out var value)) continue;
            var multiplier = m.Groups["mult"].Value switch { "천" => 1_000m, "만" => 10_000m, "억" => 100_000_000m, _ => 1m };
            var amount = value * multiplier;
            var unit = m.Groups["unit"].Value.ToLowerInvariant();
            var bare = Format(amount);
            if (unit.Length > 0)
            {
                var korean = unit switch
                {
                    "원" or "won" or "krw" => "원",
                    "일" or "day" or "days" => "일",
                    "주" or "주일" or "week" or "weeks" => "주",
                    "개월" or "달" or "month" or "months" => "개월",
                    "년" or "year" or "years" => "년",
                    "시간" or "hour" or "hours" or "hrs" or "h" => "시간",
                    "분" or "minute" or "minutes" or "min" => "분",
                    "%" or "퍼센트" or "percent" => "%",
                    "회" or "번" or "times" => "회",
                    "세" or "살" => "세",
                    _ => "",
                };
                switch (korean)
                {
                    case "주":
                        Add(Format(amount * 7) + "일");
                        Add(bare + "주");
                        break;
                    case "개월":
                        Add(bare + "개월");
                        if (amount % 12 == 0) Add(Format(amount / 12) + "년");
                        break;
                    case "년":
                        Add(bare + "년");
                        Add(Format(amount * 12) + "개월");
                        break;
                    case "":
                        break;
                    default:
                        Add(bare + korean);
                        break;
                }
            }
            // Bare figures only where a table cell may carry them without a unit (amounts); small ones would match everything.
            if (amount >= 1000 || unit is "원" or "won" or "krw") Add(bare);
        }
        foreach (Match m in Fraction().Matches(text))
            if (TryNumber(m.Groups["n"].Value, out var percent)) Add(Format(percent) + "%");
        foreach (Match m in ClockKorean().Matches(text))
        {
            var hour = int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture);
            var minute = m.Groups["half"].Success ? 30 : m.Groups["m"].Success ? int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) : 0;
            if (m.Groups["pm"].Value is "오후" or "저녁" or "밤" && hour < 12) hour += 12;
            if (m.Groups["pm"].Value is "오전" or "새벽" && hour == 12) hour = 0;
            if (hour <= 24 && minute < 60) Add($"{hour:00}:{minute:00}");
        }
        foreach (Match m in ClockLatin().Matches(text))
        {
            var hour = int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture);
            var minute = m.Groups["m"].Success ? int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) : 0;
            var suffix = m.Groups["ap"].Value.ToLowerInvariant().Replace(".", "");
            if (suffix == "pm" && hour < 12) hour += 12;
            if (suffix == "am" && hour == 12) hour = 0;
            if (hour <= 24 && minute < 60) Add($"{hour:00}:{minute:00}");
        }
        return tokens;
    }

    private static bool TryNumber(string raw, out decimal value)
        => decimal.TryParse(raw.Replace(",", ""), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);

    private static string Format(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    // A number (thousands separators allowed), an optional Korean multiplier and an optional unit right after it.
    [GeneratedRegex(@"(?<![\d.,:])(?<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\d:])\s*(?<mult>천|만|억)?\s*(?<unit>원|won\b|krw\b|주일|주|일|days?\b|weeks?\b|개월|달|months?\b|년|years?\b|시간|hours?\b|hrs?\b|분|minutes?\b|min\b|%|퍼센트|percent\b|회|번|times\b|세|살)?", RegexOptions.IgnoreCase)]
    private static partial Regex Amount();

    [GeneratedRegex(@"100분의\s*(?<n>\d+(?:\.\d+)?)")]
    private static partial Regex Fraction();

    [GeneratedRegex(@"(?:(?<pm>오전|오후|새벽|저녁|밤)\s*)?(?<![\d:])(?<h>\d{1,2})\s*시(?!간)(?:\s*(?<half>반)|\s*(?<m>\d{1,2})\s*분)?|(?<![\d:])(?<h>\d{1,2}):(?<m>\d{2})(?!\d)")]
    private static partial Regex ClockKorean();

    [GeneratedRegex(@"(?<![\d:])(?<h>\d{1,2})(?::(?<m>\d{2}))?\s*(?<ap>a\.?m\.?|p\.?m\.?)(?![a-z])", RegexOptions.IgnoreCase)]
    private static partial Regex ClockLatin();
}
