using KnowledgeBase.Grains.Ingestion;
using Xunit.Abstractions;

namespace KnowledgeBase.Tests.Answers;

/// <summary>The five statutes indexed through the real pipeline, and questions asked through retrieval, the relevance
/// gate, the prompt and the offline answerer, as a chat turn does.</summary>
public sealed class StatuteAnswerFixture : OfflineAnswerFixture
{
    protected override async Task IndexAsync(IngestionPipeline pipeline)
    {
        foreach (var file in Retrieval.LaborLawIndexFixture.Files)
        {
            await using var content = File.OpenRead(TestData.LaborLaw(file));
            await pipeline.RunAsync(Retrieval.LaborLawIndexFixture.DocumentId(file), content, file, "text/markdown", ["labor-law"]);
        }
    }
}

public class StatuteAnswerTests(StatuteAnswerFixture fixture, ITestOutputHelper output) : IClassFixture<StatuteAnswerFixture>
{
    private async Task<(IReadOnlyList<SourceReference> Sources, string Answer)> Ask(string question)
    {
        var (sources, answer) = await fixture.AskAsync(question);
        output.WriteLine(string.Join("\n", sources.Select(s => $"[{s.N}] {s.Section} ({s.Score})")));
        output.WriteLine(answer);
        return (sources, answer);
    }

    private static string Lead(string answer) => answer.Split("\n\n")[1].Split('\n')[0];

    [Fact]
    public async Task Annual_leave_question_leads_with_the_fifteen_days_of_article_60()
    {
        var (sources, answer) = await Ask("연차휴가는 며칠인가요?");
        var lead = Lead(answer);
        Assert.Contains("15일", lead);
        var cited = sources[int.Parse(System.Text.RegularExpressions.Regex.Match(lead, @"\[(\d+)\]$").Groups[1].Value) - 1];
        Assert.Contains("제60조", cited.Section);
    }

    [Fact]
    public async Task Colloquial_overtime_question_finds_the_statutory_premium()
    {
        var (sources, answer) = await Ask("잔업하면 수당을 얼마나 더 받나요?");
        Assert.Contains(sources.Take(3), s => s.Section.Contains("제56조"));
        Assert.Contains("100분의 50", Lead(answer));
    }

    [Fact]
    public async Task Abbreviated_parental_leave_question_finds_the_parental_leave_article()
    {
        var (sources, answer) = await Ask("육휴는 얼마나 쓸 수 있나요?");
        Assert.Contains(sources.Take(3), s => s.Section.Contains("육아휴직"));
        Assert.Contains("1년", Lead(answer));
    }

    [Fact]
    public async Task English_question_gets_the_korean_sentence_offline()
    {
        var (sources, answer) = await Ask("How many days of annual leave do I get?");
        Assert.NotEmpty(sources);
        Assert.StartsWith("Extractive answer", answer);
        Assert.Contains("15일", Lead(answer));
    }

    [Theory]
    [InlineData("회사 헬스장은 몇 시에 문을 여나요?")]
    [InlineData("사내 카페 아메리카노 가격은 얼마인가요?")]
    [InlineData("What is the Wi-Fi password for the guest network?")]
    public async Task Question_no_document_answers_gets_no_sources(string question)
    {
        var (sources, _) = await Ask(question);
        Assert.Empty(sources);
    }
}
