using KnowledgeBase.Grains.Evaluation;

namespace KnowledgeBase.Tests.Evaluation;

/// <summary>The development set (tests/Evaluation/dev-set.jsonl), the blind hold-out set (holdout-set.jsonl: written
/// from the documents alone and never tuned on), and the documents both are asked over: the five statutes and the
/// generated company document set.</summary>
public static class DevSet
{
    public static string GoldenPath { get; } = Path.Combine(TestData.RepoRoot, "tests", "Evaluation", "dev-set.jsonl");

    public static string HoldoutPath { get; } = Path.Combine(TestData.RepoRoot, "tests", "Evaluation", "holdout-set.jsonl");

    public static IReadOnlyList<string> StatuteFiles { get; } =
        ["labor-standards-act.md", "labor-standards-decree.md", "equal-employment-act.md", "retirement-benefit-act.md", "minimum-wage-act.md"];

    public static IReadOnlyList<GoldenQuestion> Load() => Load(GoldenPath);

    public static IReadOnlyList<GoldenQuestion> LoadHoldout() => Load(HoldoutPath);

    public static IReadOnlyList<GoldenQuestion> Load(string path) => GoldenSet.Parse(File.ReadAllText(path));

    /// <summary>The file name of every document the sets are asked over.</summary>
    public static IReadOnlyList<string> DocumentNames { get; } = [.. CompanyDocumentSet.FileNames, .. StatuteFiles];

    /// <summary>Writes the company documents into <paramref name="directory"/> and returns every document path of the set.</summary>
    public static IReadOnlyList<string> WriteDocuments(string directory)
        => [.. CompanyDocumentSet.WriteAll(directory), .. StatuteFiles.Select(TestData.LaborLaw)];
}
