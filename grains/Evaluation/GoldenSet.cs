using System.Text.Json;

namespace KnowledgeBase.Grains.Evaluation;

/// <summary>One question of a golden set: what an employee asks, and what a right answer rests on: the documents (by
/// file name) and sections that hold the answer and the phrases the answer must contain; or that no document answers it.</summary>
public sealed record GoldenQuestion(
    string Id,
    string Question,
    string Language,
    string Kind,
    IReadOnlyList<string> ExpectedDocuments,
    IReadOnlyList<string> ExpectedSections,
    IReadOnlyList<string> ExpectedPhrases,
    bool NoAnswer);

/// <summary>A golden set that cannot be used, with every line's problem.</summary>
public sealed class GoldenSetException(IReadOnlyList<string> problems)
    : Exception("골든셋 형식이 올바르지 않습니다. (The golden set is not valid.) " + string.Join("; ", problems.Take(5)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>Reads the golden-set format (JSONL, one question per line; see docs/evaluation.md):
/// <c>{"id", "question", "language", "kind", "expected_documents", "expected_sections", "expected_phrases"}</c> or
/// <c>{"id", "question", "language", "no_answer": true}</c>. Blank lines and lines starting with // are skipped.</summary>
public static class GoldenSet
{
    public const int MaxQuestions = 2000;
    public const int MaxQuestionLength = 1000;

    public static IReadOnlyList<GoldenQuestion> Parse(string jsonl)
    {
        var questions = new List<GoldenQuestion>();
        var problems = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in jsonl.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal)) continue;
            try
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                if (root.ValueKind != JsonValueKind.Object) { problems.Add($"line {number}: not a JSON object"); continue; }
                var question = Text(root, "question");
                var id = Text(root, "id") ?? $"line{number}";
                var noAnswer = root.TryGetProperty("no_answer", out var na) && na.ValueKind == JsonValueKind.True;
                var documents = List(root, "expected_documents");
                var phrases = List(root, "expected_phrases");
                if (string.IsNullOrWhiteSpace(question) || question.Length > MaxQuestionLength)
                    problems.Add($"line {number}: \"question\" must be 1 to {MaxQuestionLength} characters");
                else if (!ids.Add(id))
                    problems.Add($"line {number}: id \"{id}\" is used twice");
                else if (!noAnswer && documents.Count == 0)
                    problems.Add($"line {number}: give \"expected_documents\" (file names) or \"no_answer\": true");
                else if (noAnswer && (documents.Count > 0 || phrases.Count > 0))
                    problems.Add($"line {number}: a no_answer question has no expected documents or phrases");
                else
                    questions.Add(new GoldenQuestion(id, question.Trim(), Text(root, "language") ?? "ko", Text(root, "kind") ?? (noAnswer ? "no_answer" : "other"),
                        documents, List(root, "expected_sections"), phrases, noAnswer));
            }
            catch (JsonException ex)
            {
                problems.Add($"line {number}: {ex.Message}");
            }
            if (problems.Count >= 20) break;
        }
        if (questions.Count == 0 && problems.Count == 0) problems.Add("no questions");
        if (questions.Count > MaxQuestions) problems.Add($"at most {MaxQuestions} questions");
        if (problems.Count > 0) throw new GoldenSetException(problems);
        return questions;
    }

    private static string? Text(JsonElement root, string name)
        => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IReadOnlyList<string> List(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value)) return [];
        if (value.ValueKind == JsonValueKind.String) return [value.GetString()!];
        if (value.ValueKind != JsonValueKind.Array) throw new JsonException($"\"{name}\" must be a list of strings");
        return value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new JsonException($"\"{name}\" must be a list of strings"))
            .Where(s => s.Length > 0).ToList();
    }
}
