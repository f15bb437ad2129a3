using KnowledgeBase.Grains.Ingestion;
using Xunit.Abstractions;

namespace KnowledgeBase.Tests.Ingestion;

/// <summary>Tables in PDFs, found from the page's rules or from columns aligned across lines, become one record per row
/// as in the other formats; the text around them stays paragraphs under their headings.</summary>
public class PdfTableTests(ITestOutputHelper output)
{
    private static Lazy<ParsedDocument> Benefits => PdfParsingTests.Benefits;

    private ParsedDocument Parse(byte[] pdf, string name)
    {
        var document = Ingest.Parse(pdf, name);
        foreach (var block in document.Blocks) output.WriteLine($"p{block.Page} {block.Kind} [{block.Label}] {block.Text.Replace("\n", " / ")}");
        return document;
    }

    private static DocumentBlock Record(ParsedDocument document, string labelEnd) =>
        Assert.Single(document.Blocks, b => b.Kind == BlockKind.Record && b.Label!.EndsWith(labelEnd));

    [Fact]
    public void Pdf_ruled_table_becomes_one_record_per_row_named_by_its_caption()
    {
        var document = Benefits.Value;

        var birth = Record(document, "> 자녀 출산");
        Assert.Equal("표 1. 경조금 지급표 > 자녀 출산", birth.Label);
        Assert.Equal("구분: 자녀 출산\n경조금: 300,000원\n화환·조화: 없음", birth.Text);
        Assert.Equal(7, document.Blocks.Count(b => b.Kind == BlockKind.Record));
        // Neither the caption nor the header row is left behind as text.
        Assert.DoesNotContain(document.Blocks, b => b.Kind != BlockKind.Record && (b.Text.Contains("표 1. 경조금") || b.Text.Contains("화환·조화")));
        var chunk = Assert.Single(Ingest.Chunk(document), c => c.Text.Contains("300,000원") && c.Text.Contains("자녀 출산"));
        Assert.Equal("2026 수산주식회사 복리후생 안내 > 2. 경조금 > 가. 지급 기준 > 표 1. 경조금 지급표 > 자녀 출산", chunk.Section);
    }

    [Fact]
    public void Pdf_paragraphs_around_a_table_are_read_as_before()
    {
        var source = Evaluation.CompanyDocumentTexts.BenefitsGuide.Split('\n').Select(l => l.Trim()).ToList();
        var before = source.Single(l => l.StartsWith("본인 또는 가족의 경조사가"));
        var after = source.Single(l => l.StartsWith("경조사 발생일부터 3개월"));
        var blocks = Benefits.Value.Blocks;

        var i = blocks.ToList().FindIndex(b => b.Kind == BlockKind.Paragraph && b.Text == before);
        Assert.True(i >= 0, "the paragraph above the table is one paragraph, word for word");
        Assert.Equal(BlockKind.Record, blocks[i + 1].Kind);
        Assert.Equal((BlockKind.Heading, "나. 신청 방법"), (blocks[i + 8].Kind, blocks[i + 8].Text));
        Assert.Equal((BlockKind.Paragraph, after), (blocks[i + 9].Kind, blocks[i + 9].Text));
    }

    [Fact]
    public void Pdf_table_running_onto_the_next_page_keeps_its_header_and_caption()
    {
        var document = Parse(PdfTableFiles.LodgingPdf(), "숙박비.pdf");

        var records = document.Blocks.Where(b => b.Kind == BlockKind.Record).ToList();
        Assert.Equal(PdfTableFiles.Cities.Length, records.Count);
        Assert.Equal([1, 2], records.Select(r => r.Page!.Value).Distinct().Order());
        var last = PdfTableFiles.Cities.Length - 1;
        var jecheon = Record(document, "> 제천");
        Assert.Equal(2, jecheon.Page);
        Assert.Equal("표 1. 지역별 숙박비 한도 > 제천", jecheon.Label);
        Assert.Equal($"지역: 제천\n숙박비 한도: {PdfTableFiles.Lodging(last)}\n비고: 일반", jecheon.Text);
        // The paragraphs on either side stay paragraphs.
        Assert.Contains(document.Blocks, b => b is { Kind: BlockKind.Paragraph, Page: 1 } && b.Text == PdfTableFiles.BeforeLongTable);
        Assert.Contains(document.Blocks, b => b is { Kind: BlockKind.Paragraph, Page: 2 } && b.Text == PdfTableFiles.AfterLongTable);
    }

    [Fact]
    public void Pdf_merged_group_header_and_two_line_header_cell_name_every_column()
    {
        var document = Parse(PdfTableFiles.DutyPdf(), "당직.pdf");

        var night = Record(document, "> 숙직");
        Assert.Equal("표 2. 당직 근무 수당 (단위: 원) > 숙직", night.Label);
        Assert.Equal("구분: 숙직\n근무 시간: 18:00~09:00\n수당 평일: 70,000원\n수당 휴일: 100,000원", night.Text);
        Assert.Equal("구분: 비상대기\n근무 시간: 24시간\n수당 평일: 30,000원\n수당 휴일: 60,000원", Record(document, "> 비상대기").Text);
        Assert.Contains(document.Blocks, b => b.Kind == BlockKind.Paragraph && b.Text == PdfTableFiles.BeforeDutyTable);
        Assert.Contains(document.Blocks, b => b.Kind == BlockKind.Paragraph && b.Text == PdfTableFiles.AfterDutyTable);
    }

    [Fact]
    public void Pdf_table_set_out_by_whitespace_alone_becomes_records()
    {
        var document = Parse(PdfTableFiles.DutyPdf(ruled: false), "당직-선없음.pdf");

        var finance = Record(document, "> 재무팀");
        Assert.Equal("표 3. 부서별 내선 번호 > 재무팀", finance.Label);
        Assert.Equal("부서: 재무팀\n담당 업무: 경비 정산\n내선: 2600", finance.Text);
        Assert.Equal(4, document.Blocks.Count(b => b.Kind == BlockKind.Record && b.Label!.StartsWith("표 3.")));
        // A header stacked over two rows needs rules to be read as one: without them that table stays text, none of it lost.
        Assert.Contains("100,000", Ingest.AllText(document));
        Assert.Contains(document.Blocks, b => b.Kind == BlockKind.Paragraph && b.Text == PdfTableFiles.BeforePhoneTable);
        Assert.Contains(document.Blocks, b => b.Kind == BlockKind.Paragraph && b.Text == PdfTableFiles.AfterPhoneTable);
    }

    [Fact]
    public void Pdf_two_column_paper_text_is_not_taken_for_a_table()
    {
        var document = Parse(File.ReadAllBytes(TestData.KorQuad("KorQuAD_2.0_paper.pdf")), "paper.pdf");

        // Body text in two columns is paragraphs; whatever is read as a table holds short cells only.
        Assert.Contains("KorQuAD 2.0은 총 100,000+ 쌍으로 구성된 한국어 질의응답 데이터셋이다.", Ingest.AllText(document));
        Assert.All(document.Blocks.Where(b => b.Kind == BlockKind.Record), r => Assert.All(r.Text.Split('\n'), line => Assert.True(line.Length <= 120, line)));
    }
}
