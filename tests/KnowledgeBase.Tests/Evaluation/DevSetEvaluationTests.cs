using System.Globalization;
using KnowledgeBase.Api.Evaluation;

namespace KnowledgeBase.Tests.Evaluation;

/// <summary>CI's runs of the development set and of the blind hold-out set through the `eval` verb (an embedded
/// instance, the offline default): each fails when a figure falls below the floor main reached when the floors were
/// last set (docs/evaluation.md).</summary>
public sealed class DevSetEvaluationTests : IDisposable
{
    // The figures main reached (search@1 0.769, search@3 0.938, search@10 0.986, MRR@10 0.857, answer hit 0.913,
    // no-result precision 1.000, recall 0.909) less a margin of about 0.02. Raise them when main does.
    private static readonly Dictionary<string, double> Floors = new()
    {
        ["--min-search1"] = 0.75,
        ["--min-search3"] = 0.91,
        ["--min-search10"] = 0.96,
        ["--min-mrr"] = 0.83,
        ["--min-answer-hit"] = 0.89,
        ["--min-no-result-precision"] = 0.95,
        ["--min-no-result-recall"] = 0.88,
    };

    // The blind hold-out set's figures on main at 7b771b2 (search@1 0.694, search@3 0.894, search@10 0.918, MRR@10
    // 0.792, answer hit 0.706, no-result precision 0.556, recall 0.667) less about 0.02, or one to two questions where
    // one question moves a figure by more. Never tune on its questions; raise the floors when main reaches more.
    private static readonly Dictionary<string, double> HoldoutFloors = new()
    {
        ["--min-search1"] = 0.67,
        ["--min-search3"] = 0.87,
        ["--min-search10"] = 0.90,
        ["--min-mrr"] = 0.77,
        ["--min-answer-hit"] = 0.68,
        ["--min-no-result-precision"] = 0.52,
        ["--min-no-result-recall"] = 0.60,
    };

    private readonly string _dir = Directory.CreateTempSubdirectory("kb-devset-eval-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public Task Development_set_answers_stay_at_or_above_the_figures_main_reached() => RunAsync(DevSet.GoldenPath, Floors, 230);

    [Fact]
    public Task Holdout_set_answers_stay_at_or_above_the_figures_main_reached() => RunAsync(DevSet.HoldoutPath, HoldoutFloors, 100);

    private async Task RunAsync(string golden, Dictionary<string, double> floors, int questions)
    {
        var args = new List<string> { "eval", "--golden", golden, "--json", Path.Combine(_dir, "results.json") };
        foreach (var path in DevSet.WriteDocuments(Path.Combine(_dir, "documents"))) args.AddRange(["--documents", path]);
        foreach (var (name, floor) in floors) args.AddRange([name, floor.ToString(CultureInfo.InvariantCulture)]);
        var output = new StringWriter();

        var exitCode = await EvalCommand.RunAsync([.. args], output);

        var report = output.ToString();
        Assert.True(exitCode == 0, report[Math.Max(0, report.Length - 3000)..]);
        Assert.Contains($"questions {questions}", report);
        Assert.True(File.Exists(Path.Combine(_dir, "results.json")));
    }
}
