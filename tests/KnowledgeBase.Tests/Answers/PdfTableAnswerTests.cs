using KnowledgeBase.Grains.Ingestion;
using Xunit.Abstractions;

namespace KnowledgeBase.Tests.Answers;

/// <summary>PDFs with tables (the benefits guide's ruled table, a table over two pages, a two-row merged header, a table
/// set out by whitespace) indexed through the real pipeline, asked as a chat turn asks offline.</summary>
public sealed class PdfTableAnswerFixture : OfflineAnswerFixture
{
    protected override async Task IndexAsync(IngestionPipeline pipeline)
    {
        var dir = Directory.CreateTempSubdirectory("kb-pdf-answers-").FullName;
        byte[] benefits;
        try { benefits = await File.ReadAllBytesAsync(Evaluation.CompanyDocumentSet.WriteAll(dir).Single(p => p.EndsWith(".pdf"))); }
        finally { Directory.Delete(dir, recursive: true); }

        var files = new (string Name, byte[] Bytes)[]
        {
            (Evaluation.CompanyDocumentSet.BenefitsFile, benefits),
            ("숙박비.pdf", Ingestion.PdfTableFiles.LodgingPdf()),
            ("당직.pdf", Ingestion.PdfTableFiles.DutyPdf()),
        };
        var n = 0;
        foreach (var (name, bytes) in files)
            await pipeline.RunAsync($"doc_{0xac0000 + n++:x12}", new MemoryStream(bytes), name, null, []);
    }
}

public class PdfTableAnswerTests(PdfTableAnswerFixture fixture, ITestOutputHelper output) : IClassFixture<PdfTableAnswerFixture>
{
    /// <summary>Asks, and returns the top source, the answer's first line and the whole answer.</summary>
    private async Task<(SourceReference Top, string Lead, string Answer)> Ask(string question)
    {
        var (sources, answer) = await fixture.AskAsync(question);
        output.WriteLine(string.Join("\n", sources.Select(s => $"[{s.N}] {s.Section} ({s.Score:F3})")));
        output.WriteLine(answer);
        Assert.NotEmpty(sources);
        return (sources[0], answer.Split("\n\n")[1].Split('\n')[0], answer);
    }

    [Fact]
    public async Task Pdf_question_naming_a_row_and_a_column_is_answered_with_that_cell()
    {
        var (top, lead, _) = await Ask("자녀 출산하면 경조금 얼마 나와요?");

        Assert.EndsWith("표 1. 경조금 지급표 > 자녀 출산", top.Section);
        Assert.StartsWith("경조금: 300,000원", lead);
    }

    [Fact]
    public async Task Pdf_row_named_in_other_words_is_the_top_source_and_its_cell_is_quoted()
    {
        var (top, _, answer) = await Ask("배우자의 부모님이 돌아가시면 경조금은 얼마예요?");

        Assert.EndsWith("표 1. 경조금 지급표 > 배우자의 부모 사망", top.Section);
        Assert.Contains("배우자의 부모 사망 · 경조금: 500,000원", answer);
    }

    [Fact]
    public async Task Pdf_row_on_the_second_page_of_a_table_is_answered_under_the_first_pages_header()
    {
        var (top, lead, _) = await Ask("제천 출장 숙박비 한도는 얼마예요?");

        Assert.EndsWith("표 1. 지역별 숙박비 한도 > 제천", top.Section);
        Assert.Equal(2, top.Page);
        Assert.StartsWith("숙박비 한도: " + Ingestion.PdfTableFiles.Lodging(Ingestion.PdfTableFiles.Cities.Length - 1), lead);
    }

    [Fact]
    public async Task Pdf_question_naming_a_row_and_a_merged_header_column_is_answered_with_that_cell()
    {
        var (top, lead, _) = await Ask("휴일 숙직 수당은 얼마예요?");

        Assert.EndsWith("> 숙직", top.Section);
        Assert.StartsWith("수당 휴일: 100,000원", lead);
    }
}
