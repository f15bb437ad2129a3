using KnowledgeBase.Grains.Ingestion;
using Xunit.Abstractions;

namespace KnowledgeBase.Tests.Answers;

/// <summary>Office files with tables (XLSX travel allowances, DOCX condolence pay, PPTX training support, HTML device
/// replacement) indexed through the real pipeline, asked as a chat turn asks offline.</summary>
public sealed class TableAnswerFixture : OfflineAnswerFixture
{
    protected override async Task IndexAsync(IngestionPipeline pipeline)
    {
        var files = new List<(string Name, byte[] Bytes)>
        {
            ("경조규정.docx", Ingestion.TableFiles.CondolenceDocx()),
            ("교육지원.pptx", Ingestion.TableFiles.TrainingPptx()),
            ("it-devices.html", System.Text.Encoding.UTF8.GetBytes(Ingestion.TableFiles.DeviceHtml)),
        };
        var dir = Directory.CreateTempSubdirectory("kb-tables-files-").FullName;
        try
        {
            var travel = Evaluation.CompanyDocumentSet.WriteAll(dir).Single(p => p.EndsWith(".xlsx"));
            files.Add((Path.GetFileName(travel), await File.ReadAllBytesAsync(travel)));
        }
        finally { Directory.Delete(dir, recursive: true); }

        var n = 0;
        foreach (var (name, bytes) in files)
            await pipeline.RunAsync($"doc_{0xab0000 + n++:x12}", new MemoryStream(bytes), name, null, []);
    }
}

public class TableAnswerTests(TableAnswerFixture fixture, ITestOutputHelper output) : IClassFixture<TableAnswerFixture>
{
    /// <summary>Asks, and returns the source the answer's first line cites and that line.</summary>
    private async Task<(SourceReference Top, SourceReference Cited, string Lead)> Ask(string question)
    {
        var (sources, answer) = await fixture.AskAsync(question);
        output.WriteLine(string.Join("\n", sources.Select(s => $"[{s.N}] {s.Section} ({s.Score:F3})")));
        output.WriteLine(answer);
        Assert.NotEmpty(sources);
        var lead = answer.Split("\n\n")[1].Split('\n')[0];
        var cited = sources[int.Parse(System.Text.RegularExpressions.Regex.Match(lead, @"\[(\d+)\]$").Groups[1].Value) - 1];
        return (sources[0], cited, lead);
    }

    [Theory]
    [InlineData("부장 유럽 출장 숙박비는 얼마예요?", "해외출장", "> 부장", "유럽 숙박비: 240")]
    [InlineData("사원 서울 출장 숙박비는 얼마예요?", "국내출장", "> 사원", "숙박비(서울): 90,000원")]
    [InlineData("2025년 야근 식대는 얼마였나요?", "연도별 단가", "> 야근 식대", "2025년: 12,000")]
    public async Task Xlsx_question_naming_a_row_and_a_column_is_answered_with_that_cell(string question, string sheet, string row, string cell)
    {
        var (top, cited, lead) = await Ask(question);

        Assert.Contains(sheet, top.Section);
        Assert.EndsWith(row, top.Section);
        Assert.Same(top, cited);
        Assert.StartsWith(cell, lead);
    }

    [Fact]
    public async Task Docx_question_naming_a_row_and_a_merged_column_is_answered_with_that_cell()
    {
        var (top, cited, lead) = await Ask("자녀가 결혼하면 경조금은 얼마 받나요?");

        Assert.EndsWith("> 결혼", top.Section);
        Assert.Same(top, cited);
        Assert.StartsWith("경조금 자녀: 500,000원", lead);
    }

    [Fact]
    public async Task Pptx_question_naming_a_row_and_a_column_is_answered_with_that_cell()
    {
        var (top, _, lead) = await Ask("계약직도 어학 교육비 지원 받을 수 있나요? 한도가 얼마예요?");

        Assert.EndsWith("> 어학", top.Section);
        Assert.StartsWith("지원 한도 계약직: 연 60만원", lead);
    }

    [Fact]
    public async Task Html_question_naming_a_row_and_a_column_is_answered_with_that_cell()
    {
        var (top, _, lead) = await Ask("개발 직군 노트북 교체 주기는 몇 년인가요?");

        Assert.EndsWith("> 노트북", top.Section);
        Assert.StartsWith("교체 주기 개발 직군: 3년", lead);
    }
}
