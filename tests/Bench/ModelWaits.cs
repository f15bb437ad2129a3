using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using KnowledgeBase.OpenAiStub;

namespace KnowledgeBase.Bench;

/// <summary>How long the stub model really waited before each answer's first token, by the tag every benchmark
/// question carries ("(run-user-turn)", last in the prompt's user message). The nominal delay misstates it: .NET's
/// timers overshoot on this machine, more at p99 than at p50, and that is the model's time, not the product's.</summary>
internal sealed partial class ModelWaits
{
    private readonly ConcurrentDictionary<string, double> _waits = new(StringComparer.Ordinal);

    public void Record(StubChatRequest chat, TimeSpan waited)
    {
        // Searched from the end, where the question is: the prompt before it is ~10 KB of sources.
        if (Tag().Match(chat.LastUserMessage ?? "") is { Success: true } tag) _waits[tag.Groups[1].Value] = waited.TotalMilliseconds;
    }

    public bool TryTake(string tag, out double waitedMs) => _waits.TryRemove(tag, out waitedMs);

    public void Clear() => _waits.Clear();

    public static string TagOf(int run, int user, int turn) => $"{run}-{user}-{turn}";

    [GeneratedRegex(@"\((\d+-\d+-\d+)\)", RegexOptions.RightToLeft)]
    private static partial Regex Tag();
}
