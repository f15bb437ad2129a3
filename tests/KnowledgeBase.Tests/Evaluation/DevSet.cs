using KnowledgeBase.Grains.Evaluation;

namespace KnowledgeBase.Tests.Evaluation;

/// <summary>The development set (tests/Evaluation/dev-set.jsonl) and the documents it is asked over: the five statutes
/// and the generated company document set.</summary>
public static class DevSet
{
    public static string GoldenPath { get; } = Path.Combine(TestData.RepoRoot, "tests", "Evaluation", "dev-set.jsonl");

    public static IReadOnlyList<string> StatuteFiles { get; } =
        ["labor-standards-act.md", "labor-standards-decree.md", "equal-employment-act.md", "retirement-benefit-act.md", "minimum-wage-act.md"];

    public static IReadOnlyList<GoldenQuestion> Load() => GoldenSet.Parse(File.ReadAllText(GoldenPath));

    /// <summary>Writes the company documents into <paramref name="directory"/> and returns every document path of the set.</summary>
    public static IReadOnlyList<string> WriteDocuments(string directory)
        => [.. CompanyDocumentSet.WriteAll(directory), .. StatuteFiles.Select(TestData.LaborLaw)];
}
