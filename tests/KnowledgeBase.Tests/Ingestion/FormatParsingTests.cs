using System.Text;
using KnowledgeBase.Grains.Ingestion;

namespace KnowledgeBase.Tests.Ingestion;

public class FormatParsingTests
{
    [Fact]
    public void Docx_heading_styles_become_headings_and_table_rows_become_records()
    {
        var document = Ingest.Parse(SampleFiles.Docx(), "휴가규정.docx");

        Assert.Equal("docx", document.Format);
        Assert.Equal("수산 휴가 규정", document.Title);
        Assert.Contains(document.Blocks, b => b is { Kind: BlockKind.Heading, Text: "휴가 규정", Level: 1 });
        Assert.Contains(document.Blocks, b => b is { Kind: BlockKind.Heading, Text: "연차 휴가", Level: 2 });
        Assert.Contains(document.Blocks, b => b is { Kind: BlockKind.ListItem, Text: "연차는 반차로 나누어 쓸 수 있다." });
        Assert.Equal(["구분: 연차\n일수: 15일", "구분: 경조사\n일수: 5일"], document.Blocks.Where(b => b.Kind == BlockKind.Record).Select(b => b.Text));
        Assert.Contains(document.Blocks, b => b is { Kind: BlockKind.Heading, Text: "제5조(병가)" });

        var chunks = Ingest.Chunk(document);
        Assert.Contains(chunks, c => c.Section == "휴가 규정 > 연차 휴가 > 경조사" && c.Text == "구분: 경조사\n일수: 5일");
        Assert.Contains(chunks, c => c.Section == "휴가 규정 > 연차 휴가" && c.Text.Contains("15일의 연차"));
        Assert.Contains(chunks, c => c.Section == "휴가 규정 > 연차 휴가 > 제5조(병가)" && c.Text == "병가는 연 60일까지 쓸 수 있다.");
    }

    [Fact]
    public void Xlsx_sheets_become_headings_with_shared_strings_resolved_in_row_order()
    {
        var document = Ingest.Parse(SampleFiles.Xlsx(), "연차현황.xlsx");

        Assert.Equal("xlsx", document.Format);
        Assert.Equal(["연차 현황", "비고"], document.Blocks.Where(b => b.Kind == BlockKind.Heading).Select(b => b.Text));
        Assert.Equal(["이름: 김철수\n부서: 인사팀\n잔여 연차: 12", "이름: 이영희\n잔여 연차: 7"],
            document.Blocks.Where(b => b.Kind == BlockKind.Record).Select(b => b.Text));
        var chunks = Ingest.Chunk(document);
        Assert.Contains(chunks, c => c.Section == "연차 현황 > 이영희" && c.Text == "이름: 이영희\n잔여 연차: 7");
        Assert.Contains(chunks, c => c.Section == "비고" && c.Text.Contains("1월 1일에 갱신"));
    }

    [Fact]
    public void Pptx_slides_are_headings_with_slide_numbers_as_pages()
    {
        var document = Ingest.Parse(SampleFiles.Pptx(), "복지.pptx");

        Assert.Equal("pptx", document.Format);
        Assert.Equal(2, document.PageCount);
        Assert.Contains(document.Blocks, b => b is { Kind: BlockKind.Heading, Text: "2025년 복지 제도 안내", Page: 1 });
        Assert.Contains(document.Blocks, b => b is { Kind: BlockKind.Heading, Text: "슬라이드 2", Page: 2 });
        var chunks = Ingest.Chunk(document);
        Assert.Contains(chunks, c => c.Page == 1 && c.Text.Contains("건강검진은 매년 한 번 지원합니다.") && c.Text.Contains("자기계발비"));
        Assert.Contains(chunks, c => c.Page == 2 && c.Section == "슬라이드 2" && c.Text == "문의: 인사팀 내선 1234");
    }

    [Fact]
    public void Hwpx_sections_are_read_in_spine_order_with_outline_headings_and_tables()
    {
        var document = Ingest.Parse(SampleFiles.Hwpx(), "출장규정.hwpx");

        Assert.Equal("hwpx", document.Format);
        Assert.Equal("출장 규정 2025", document.Title);
        Assert.Equal(BlockKind.Heading, document.Blocks[0].Kind);
        Assert.Equal("출장 규정", document.Blocks[0].Text);
        Assert.Contains(document.Blocks, b => b is { Kind: BlockKind.Heading, Text: "제1조(목적)" });
        Assert.Contains(document.Blocks, b => b is { Kind: BlockKind.Paragraph, Text: "이 규정은 국내외 출장에 필요한 사항을 정한다." });
        Assert.Contains(document.Blocks, b => b is { Kind: BlockKind.Record, Text: "구분: 국내\n일비: 3만원" });
        // section1 is stored before section0 in the zip, yet its text comes last.
        Assert.Contains("2025년 1월 1일부터 시행", document.Blocks[^1].Text);

        var chunks = Ingest.Chunk(document);
        Assert.Contains(chunks, c => c.Section == "출장 규정 > 제2조(출장비) > 국내" && c.Text.Contains("일비: 3만원"));
    }

    [Fact]
    public void Hwpx_without_a_spine_falls_back_to_section_number_order()
    {
        var document = Ingest.Parse(SampleFiles.Hwpx(withSpine: false), "출장규정.hwpx");

        Assert.Equal("출장 규정", document.Blocks[0].Text);
        Assert.Contains("시행", document.Blocks[^1].Text);
    }

    [Fact]
    public void Html_keeps_headings_lists_and_tables_and_drops_scripts_styles_and_navigation()
    {
        const string html = """
            <!DOCTYPE html><html><head><title>사내 복지 안내</title><style>.x{color:red}</style>
            <script>var secret = "스크립트내용";</script></head>
            <body><nav><a href="/">홈</a> 메뉴항목</nav>
            <h1>복지 제도</h1><p>우리 회사의 <b>복지</b> 제도를 소개합니다.</p>
            <h2>휴가</h2><ul><li>연차 15일</li><li>여름휴가 3일</li></ul>
            <table><tr><th>항목</th><th>금액</th></tr><tr><td>식대</td><td>20만원</td></tr></table>
            <script>document.write("광고문구")</script></body></html>
            """;
        var document = Ingest.Parse(html, "welfare.html");

        Assert.Equal("html", document.Format);
        Assert.Equal("사내 복지 안내", document.Title);
        var all = Ingest.AllText(document);
        Assert.DoesNotContain("스크립트내용", all);
        Assert.DoesNotContain("광고문구", all);
        Assert.DoesNotContain("color:red", all);
        Assert.DoesNotContain("메뉴항목", all);
        Assert.Contains(document.Blocks, b => b is { Kind: BlockKind.Heading, Text: "휴가", Level: 2 });
        Assert.Contains(document.Blocks, b => b is { Kind: BlockKind.Paragraph, Text: "우리 회사의 복지 제도를 소개합니다." });
        Assert.Contains(document.Blocks, b => b is { Kind: BlockKind.ListItem, Text: "여름휴가 3일" });
        Assert.Contains(document.Blocks, b => b is { Kind: BlockKind.Record, Text: "항목: 식대\n금액: 20만원" });
    }

    [Fact]
    public void Html_is_recognised_by_content_even_with_a_txt_name()
    {
        var document = Ingest.Parse("<html><body><h1>공지</h1><p>내용입니다.</p></body></html>", "notice.txt");

        Assert.Equal("html", document.Format);
        Assert.Equal("공지", document.Title);
    }

    [Fact]
    public void Euc_kr_text_is_decoded_to_readable_korean()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding(949).GetBytes("사내 규정\n\n제1조(목적) 이 규정은 연차 휴가를 정한다.\n");
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(bytes));

        var document = Ingest.Parse(bytes, "규정.txt");

        Assert.Equal("사내 규정", document.Title);
        Assert.Contains(document.Blocks, b => b is { Kind: BlockKind.Heading, Text: "제1조(목적)" });
        Assert.Contains(document.Blocks, b => b.Text == "이 규정은 연차 휴가를 정한다.");
    }

    [Theory]
    [InlineData("utf-16le-bom")]
    [InlineData("utf-16be-bom")]
    [InlineData("utf-16le-nobom")]
    [InlineData("utf-8-bom")]
    public void Unicode_text_in_any_common_encoding_is_decoded(string variant)
    {
        const string text = "연차 안내\n\n연차는 1년에 15일입니다. Annual leave is 15 days.\n";
        var bytes = variant switch
        {
            "utf-16le-bom" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)],
            "utf-16be-bom" => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(text)],
            "utf-16le-nobom" => Encoding.Unicode.GetBytes("Annual leave guide, version 2. " + text),
            _ => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)],
        };

        var document = Ingest.Parse(bytes, "leave.txt");

        Assert.Contains(document.Blocks, b => b.Text.Contains("연차는 1년에 15일입니다."));
        Assert.DoesNotContain('\uFEFF', Ingest.AllText(document));
    }

    [Fact]
    public void Plain_text_statute_headings_including_article_branches_become_headings()
    {
        const string statute = """
            근로기준법

            제4장 근로시간과 휴식

            제60조(연차 유급휴가) ① 사용자는 1년간 80퍼센트 이상 출근한 근로자에게 15일의 유급휴가를 주어야 한다.
            ② 사용자는 계속하여 근로한 기간이 1년 미만인 근로자에게 1개월 개근 시 1일의 유급휴가를 주어야 한다.

            제60조의2(휴가의 특례) 이 조는 예시이다.
            제61조(연차 유급휴가의 사용 촉진) 사용자는 제60조제1항에 따른 휴가의 사용을 촉진하여야 한다.
            """;
        var document = Ingest.Parse(statute, "근로기준법.txt");
        var chunks = Ingest.Chunk(document);

        Assert.Equal("근로기준법", document.Title);
        var article60 = Assert.Single(chunks, c => c.Section == "근로기준법 > 제4장 근로시간과 휴식 > 제60조(연차 유급휴가)");
        Assert.StartsWith("① 사용자는", article60.Text);
        Assert.Contains("\n\n② 사용자는", article60.Text);
        Assert.Single(chunks, c => c.Section.EndsWith("> 제60조의2(휴가의 특례)"));
        // "제60조제1항에 따른" inside a sentence is a cross-reference, not a heading.
        Assert.Contains(chunks, c => c.Section.EndsWith("> 제61조(연차 유급휴가의 사용 촉진)") && c.Text.Contains("제60조제1항에 따른"));
    }

    [Fact]
    public void Markdown_inline_markup_and_escapes_are_cleaned_and_pipe_table_rows_become_records()
    {
        const string md = """
            ---
            title: "복지 안내"
            ---
            # 복지
            **굵게** 쓴 *강조*와 `코드`, [링크](https://example.com) 그리고 1\. 이스케이프.

            | 항목 | 금액 |
            |------|-----:|
            | 식대 | 20만원 |
            | 교통비 | 10만원 |

            - 첫째 항목
            - 둘째 항목
            """;
        var document = Ingest.Parse(md, "welfare.md");

        Assert.Equal("복지 안내", document.Title);
        Assert.Contains(document.Blocks, b => b is { Kind: BlockKind.Paragraph, Text: "굵게 쓴 강조와 코드, 링크 그리고 1. 이스케이프." });
        Assert.Equal(["항목: 식대\n금액: 20만원", "항목: 교통비\n금액: 10만원"], document.Blocks.Where(b => b.Kind == BlockKind.Record).Select(b => b.Text));
        Assert.Equal(2, document.Blocks.Count(b => b.Kind == BlockKind.ListItem));
        Assert.DoesNotContain(document.Blocks, b => b.Text.Contains("title:"));
    }
}
