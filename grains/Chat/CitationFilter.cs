using System.Text;

namespace KnowledgeBase.Grains.Chat;

/// <summary>Passes streamed answer text through, dropping citation markers [n] that point at no source given to
/// the model, and recording the ones that do. Holds back at most a few characters while a marker is open.</summary>
public sealed class CitationFilter(int sourceCount)
{
    private const int MaxMarkerLength = 6;
    private readonly StringBuilder _pending = new();
    private readonly SortedSet<int> _cited = [];
    private readonly StringBuilder _answer = new();

    public IReadOnlyCollection<int> Cited => _cited;

    public string Answer => _answer.ToString();

    public string Push(string delta)
    {
        // Most deltas are a word with no marker in it: passed on as they are, without copies.
        if (_pending.Length == 0 && !delta.Contains('['))
        {
            _answer.Append(delta);
            return delta;
        }
        var output = new StringBuilder();
        foreach (var c in delta)
        {
            if (_pending.Length == 0)
            {
                if (c == '[') _pending.Append(c);
                else output.Append(c);
                continue;
            }
            _pending.Append(c);
            if (c == ']')
            {
                var inner = _pending.ToString(1, _pending.Length - 2);
                if (int.TryParse(inner, out var n))
                {
                    if (n >= 1 && n <= sourceCount)
                    {
                        _cited.Add(n);
                        output.Append(_pending);
                    }
                }
                else output.Append(_pending);
                _pending.Clear();
            }
            else if (c == '[')
            {
                output.Append(_pending, 0, _pending.Length - 1);
                _pending.Clear().Append('[');
            }
            else if (!char.IsDigit(c) || _pending.Length > MaxMarkerLength)
            {
                output.Append(_pending);
                _pending.Clear();
            }
        }
        _answer.Append(output);
        return output.ToString();
    }

    public string Flush()
    {
        var rest = _pending.ToString();
        _pending.Clear();
        _answer.Append(rest);
        return rest;
    }
}
