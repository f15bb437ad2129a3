using System.Text.RegularExpressions;
using KnowledgeBase.Grains.Evaluation;
using KnowledgeBase.Tests.Ingestion;

namespace KnowledgeBase.Tests.Evaluation;

public sealed class DevSetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kb-devset-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Dev_set_has_enough_questions_of_each_kind()
    {
        var questions = DevSet.Load();
        Assert.True(questions.Count >= 150, $"{questions.Count} questions");
        Assert.True(questions.Count(q => q.Language == "en") >= 25, "English questions");
        Assert.True(questions.Count(q => q.NoAnswer) >= 20, "questions no document answers");
        Assert.All(questions.Where(q => !q.NoAnswer), q => Assert.NotEmpty(q.ExpectedPhrases));
        // Over the statutes and over every company document.
        var documents = questions.SelectMany(q => q.ExpectedDocuments).ToHashSet();
        Assert.Superset(DevSet.StatuteFiles.Where(f => f != "labor-standards-decree.md").Concat(CompanyDocumentSet.FileNames).ToHashSet(), documents);
    }

    /// <summary>Both golden sets: the development set and the blind hold-out set.</summary>
    public static TheoryData<string> Sets => new() { "dev-set.jsonl", "holdout-set.jsonl" };

    [Theory]
    [MemberData(nameof(Sets))]
    public void Every_expected_phrase_is_in_the_text_of_an_expected_document(string set)
    {
        var texts = DevSet.WriteDocuments(_dir).ToDictionary(p => Path.GetFileName(p), p => Flat(Ingest.AllText(Ingest.ParseFile(p))));
        foreach (var question in Load(set).Where(q => !q.NoAnswer))
        {
            foreach (var phrase in question.ExpectedPhrases)
                Assert.True(question.ExpectedDocuments.Any(d => phrase.Split('|').Any(a => texts[d].Contains(Flat(a), StringComparison.Ordinal))),
                    $"{question.Id}: \"{phrase}\" is in none of {string.Join(", ", question.ExpectedDocuments)}");
        }
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void Questions_do_not_copy_their_documents_wording(string set)
    {
        // An employee's question shares words with the rule that answers it, but never a whole clause: no run of
        // 12 characters (spaces ignored) of a question appears in its expected documents.
        var texts = DevSet.WriteDocuments(_dir).ToDictionary(p => Path.GetFileName(p), p => Flat(Ingest.AllText(Ingest.ParseFile(p))));
        foreach (var question in Load(set).Where(q => !q.NoAnswer && q.Language == "ko"))
        {
            var flat = Flat(question.Question);
            for (var i = 0; i + 12 <= flat.Length; i++)
                Assert.False(question.ExpectedDocuments.Any(d => texts[d].Contains(flat.Substring(i, 12), StringComparison.Ordinal)),
                    $"{question.Id} copies \"{flat.Substring(i, 12)}\" from its document");
        }
    }

    [Fact]
    public void Holdout_set_has_enough_questions_of_each_kind_over_every_document()
    {
        var questions = DevSet.LoadHoldout();
        Assert.Equal(100, questions.Count);
        Assert.InRange(questions.Count(q => q.Language == "en"), 18, 25);
        Assert.InRange(questions.Count(q => q.NoAnswer), 13, 20);
        Assert.All(questions.Where(q => !q.NoAnswer), q => Assert.NotEmpty(q.ExpectedPhrases));
        // Every expected document is one the set is asked over, and every one of them is asked about.
        var documents = questions.SelectMany(q => q.ExpectedDocuments).ToHashSet();
        Assert.Subset(DevSet.DocumentNames.ToHashSet(), documents);
        Assert.Superset(DevSet.DocumentNames.ToHashSet(), documents);
        // Question types spread: counts, amounts, deadlines, who, where, whether, how.
        Assert.Superset(new HashSet<string> { "how_many", "how_much", "how_long", "when", "until_when", "who", "where", "whether", "how" },
            questions.Select(q => q.Kind).ToHashSet());
    }

    [Fact]
    public void Holdout_set_shares_no_question_with_the_development_set()
    {
        var development = DevSet.Load().Select(q => Flat(q.Question)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var ids = DevSet.Load().Select(q => q.Id).ToHashSet(StringComparer.Ordinal);
        Assert.All(DevSet.LoadHoldout(), q =>
        {
            Assert.DoesNotContain(Flat(q.Question), development);
            Assert.DoesNotContain(q.Id, ids);
        });
    }

    private static IReadOnlyList<GoldenQuestion> Load(string set) => DevSet.Load(Path.Combine(Path.GetDirectoryName(DevSet.GoldenPath)!, set));

    // Spaces and the thousands separators of numbers do not count, as in answer scoring (100,000 = 100000).
    private static string Flat(string text) => Regex.Replace(text, @"\s+|(?<=\d),(?=\d)", "");
}
