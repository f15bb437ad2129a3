using System.Text;
using KnowledgeBase.Grains.Ingestion;

namespace KnowledgeBase.Tests.Ingestion;

/// <summary>Tables of every format become one record per row: "caption > row key" as its place, every
/// "column header: value" pair as its text, merged header cells joined.</summary>
public class TableRecordTests
{
    private static readonly Lazy<ParsedDocument> Travel = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("kb-xlsx-").FullName;
        try { return Ingest.ParseFile(Evaluation.CompanyDocumentSet.WriteAll(dir).Single(p => p.EndsWith(".xlsx"))); }
        finally { Directory.Delete(dir, recursive: true); }
    });

    [Fact]
    public void Xlsx_wide_sheet_with_merged_group_headers_becomes_one_record_per_grade()
    {
        var chunks = Ingest.Chunk(Travel.Value);

        var manager = chunks.Single(c => c.Section.StartsWith("해외출장 >") && c.Section.EndsWith("> 부장"));
        // The merged title row is the caption, the merged region over two sub-headers names both columns.
        Assert.Equal("해외출장 > 해외 출장 여비 지급 기준 (1일 기준, 단위: 미화 달러 USD) > 부장", manager.Section);
        Assert.StartsWith("직급: 부장\n", manager.Text);
        Assert.Contains("유럽 숙박비: 240 USD", manager.Text);
        Assert.Contains("미주 일비: 90 USD", manager.Text);
        Assert.Contains("그 밖의 지역 숙박비: 160 USD", manager.Text);
        // No record is the header itself, and no other grade's figure leaks into this one.
        Assert.DoesNotContain(chunks, c => c.Section.EndsWith("> 직급") || c.Section.EndsWith("> 일비"));
        Assert.DoesNotContain("임원", manager.Text);
    }

    [Fact]
    public void Xlsx_numbers_keep_the_sheets_thousands_separators_and_the_captions_unit()
    {
        var chunks = Ingest.Chunk(Travel.Value);

        var staff = chunks.Single(c => c.Section.StartsWith("국내출장 >") && c.Section.EndsWith("> 사원"));
        Assert.Contains("숙박비(서울): 90,000원", staff.Text);
        Assert.Contains("교통편: KTX 일반실 / 항공 이코노미석", staff.Text);
        // A unit column gives each row its own unit; a year column stays a plain header.
        var fuel = chunks.Single(c => c.Section.EndsWith("연도별 단가 > 자가운전 유류비"));
        Assert.Contains("2026년: 230 (km당 원)", fuel.Text);
    }

    [Fact]
    public void Docx_table_with_caption_and_merged_cells_becomes_records_named_by_the_caption()
    {
        var document = Ingest.Parse(TableFiles.CondolenceDocx(), "경조규정.docx");
        var chunks = Ingest.Chunk(document);

        var wedding = chunks.Single(c => c.Section.EndsWith("> 결혼"));
        Assert.Equal("경조 지원 규정 > 경조 휴가와 경조금 지급 기준 (단위: 원) > 결혼", wedding.Section);
        Assert.Equal("구분: 결혼\n휴가 일수: 5일\n경조금 본인: 1,000,000원\n경조금 자녀: 500,000원", wedding.Text);
        // An empty cell says nothing; the caption paragraph is not left behind as body text.
        Assert.DoesNotContain("경조금 자녀", chunks.Single(c => c.Section.EndsWith("> 회갑")).Text);
        Assert.DoesNotContain(document.Blocks, b => b.Kind == BlockKind.Paragraph && b.Text.StartsWith("경조 휴가와 경조금"));
        // The paragraph after the table is back in the heading's own section.
        Assert.Contains(chunks, c => c.Section == "경조 지원 규정" && c.Text.Contains("3개월 이내"));
    }

    [Fact]
    public void Pptx_table_with_merged_header_cells_becomes_records_on_its_slide()
    {
        var document = Ingest.Parse(TableFiles.TrainingPptx(), "교육지원.pptx");
        var chunks = Ingest.Chunk(document);

        var graduate = chunks.Single(c => c.Section.EndsWith("> 대학원"));
        Assert.Equal("교육비 지원 한도 > 대학원", graduate.Section);
        Assert.Equal(1, graduate.Page);
        Assert.Equal("과정: 대학원\n지원 한도 정규직: 학기당 300만원\n지원 한도 계약직: 지원 없음", graduate.Text);
    }

    [Fact]
    public void Html_table_rowspan_and_colspan_headers_name_every_column()
    {
        var document = Ingest.Parse(TableFiles.DeviceHtml, "it.html");
        var chunks = Ingest.Chunk(document);

        var laptop = chunks.Single(c => c.Section.EndsWith("> 노트북"));
        Assert.Equal("IT 장비 교체 기준 > 표 1. 업무용 장비 교체 주기 > 노트북", laptop.Section);
        Assert.Equal("장비: 노트북\n교체 주기 일반 직군: 5년\n교체 주기 개발 직군: 3년", laptop.Text);
    }

    [Fact]
    public void Csv_rows_become_records_that_honour_quotes()
    {
        var sb = new StringBuilder("이름,부서,메모\n");
        for (var i = 1; i <= 120; i++) sb.Append($"직원{i},개발팀,\"쉼표, 포함 \"\"메모\"\" {i}\"\n");
        var document = Ingest.Parse(sb.ToString(), "staff.csv", "text/csv");

        Assert.Equal("csv", document.Format);
        Assert.Equal(120, document.Blocks.Count(b => b.Kind == BlockKind.Record));
        Assert.Contains(document.Blocks, b => b is { Kind: BlockKind.Record, Label: "직원7", Text: "이름: 직원7\n부서: 개발팀\n메모: 쉼표, 포함 \"메모\" 7" });
    }

    [Fact]
    public void Rows_repeating_a_key_are_named_by_the_next_column_too()
    {
        var document = Ingest.Parse("휴가 종류,대상,일수\n결혼휴가,본인 결혼,5일\n결혼휴가,자녀 결혼,1일\n", "leave.csv", "text/csv");

        Assert.Equal(["결혼휴가 본인 결혼", "결혼휴가 자녀 결혼"], document.Blocks.Select(b => b.Label));
    }

    [Fact]
    public void Table_without_a_header_row_stays_one_table_block()
    {
        // A layout table: its first row is a sentence and a figure, not column names.
        const string html = "<html><body><table><tr><td>신청은 그룹웨어에서 합니다. 승인까지 보통 사흘이 걸립니다.</td><td>2026</td></tr><tr><td>문의</td><td>내선 1234</td></tr></table></body></html>";
        var document = Ingest.Parse(html, "layout.html");

        var table = Assert.Single(document.Blocks, b => b.Kind != BlockKind.Heading);
        Assert.Equal(BlockKind.Table, table.Kind);
        Assert.Contains("문의 | 내선 1234", table.Text);
    }

    [Fact]
    public void Record_too_long_for_a_chunk_splits_and_each_part_repeats_the_row_key()
    {
        var header = string.Join(',', ["직급", .. Enumerable.Range(1, 80).Select(i => $"항목{i} 지급 기준 금액")]);
        var row = string.Join(',', ["부장", .. Enumerable.Range(1, 80).Select(i => $"{i * 1000}원")]);
        var document = Ingest.Parse(header + "\n" + row + "\n", "wide.csv", "text/csv");

        var chunks = Ingest.Chunk(document, Ingest.Options(chunkTokens: 200));

        Assert.True(chunks.Count > 1);
        Assert.All(chunks, c => Assert.Equal("wide > 부장", c.Section));
        Assert.All(chunks, c => Assert.StartsWith("직급: 부장\n", c.Text));
        Assert.All(chunks, c => Assert.InRange(c.TokenCount, 1, 200));
        Assert.Contains(chunks, c => c.Text.Contains("항목80 지급 기준 금액: 80000원"));
    }
}
