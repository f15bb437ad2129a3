namespace KnowledgeBase.Grains.Ingestion;

/// <summary>Splits Korean and English text into sentences: after . ! ? … (다. 요. 까? included) followed by a space, and at line breaks.</summary>
public static class SentenceSplitter
{
    public static List<string> Split(string text)
    {
        var result = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                Add(result, text, start, i);
                start = i + 1;
                continue;
            }
            if (c is not ('.' or '!' or '?' or '…' or '。')) continue;

            // Closing quotes and brackets belong to the sentence they end.
            var end = i + 1;
            while (end < text.Length && text[end] is '"' or '\'' or '”' or '’' or ')' or '」' or '』') end++;
            if (end < text.Length && !char.IsWhiteSpace(text[end])) continue;
            if (c == '.' && IsEnumerator(text, start, i)) continue;
            Add(result, text, start, end);
            start = end;
            i = end - 1;
        }
        Add(result, text, start, text.Length);
        return result;
    }

    // "1." "가." "iv." open a list item rather than end a sentence.
    private static bool IsEnumerator(string text, int sentenceStart, int dot)
    {
        var wordStart = dot;
        while (wordStart > sentenceStart && !char.IsWhiteSpace(text[wordStart - 1])) wordStart--;
        var word = text.AsSpan(wordStart, dot - wordStart);
        if (word.Length == 0) return true;
        if (word.Length <= 3 && IsAllDigits(word)) return true;
        return word.Length == 1 && (char.IsLetter(word[0]));
    }

    private static bool IsAllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s) if (!char.IsAsciiDigit(c)) return false;
        return true;
    }

    private static void Add(List<string> result, string text, int start, int end)
    {
        if (end <= start) return;
        var s = text[start..end].Trim();
        if (s.Length > 0) result.Add(s);
    }
}
