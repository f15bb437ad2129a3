using KnowledgeBase.Grains.Ingestion;

namespace KnowledgeBase.Tests.Ingestion;

public class PdfParsingTests
{
    private static readonly Lazy<ParsedDocument> Paper = new(() => Ingest.ParseFile(TestData.KorQuad("KorQuAD_2.0_paper.pdf")));

    [Fact]
    public void Pdf_pages_are_numbered_from_one_to_the_page_count()
    {
        var document = Paper.Value;

        Assert.Equal("pdf", document.Format);
        Assert.Equal(6, document.PageCount);
        Assert.Equal(Enumerable.Range(1, 6), document.Blocks.Select(b => b.Page!.Value).Distinct().Order());
    }

    [Fact]
    public void Pdf_korean_text_is_readable_in_order_without_broken_syllables()
    {
        var all = Ingest.AllText(Paper.Value);

        Assert.Contains("웹문서 기계독해를 위한 한국어 질의응답 데이터셋", all);
        Assert.Contains("KorQuAD 2.0은 총 100,000+ 쌍으로 구성된 한국어 질의응답 데이터셋이다.", all);
        Assert.Contains("주제어: KorQuAD, MRC, 딥러닝, 기계독해, 질의응답", all);
        Assert.DoesNotContain("답응의질", all);
        Assert.DoesNotContain('\uFFFD', all);
        Assert.Equal(all.Normalize(System.Text.NormalizationForm.FormC), all);
        // No stray conjoining jamo: syllables come out composed.
        Assert.DoesNotContain(all, c => c is >= '\u1100' and <= '\u11FF');
    }

    [Fact]
    public void Pdf_title_is_the_largest_text_on_the_first_page()
    {
        Assert.Equal("KorQuAD 2.0: 웹문서 기계독해를 위한 한국어 질의응답 데이터셋", Paper.Value.Title);
    }

    [Fact]
    public void Pdf_chunks_never_mix_pages_and_fit_the_budget()
    {
        var document = Paper.Value;
        var chunks = Ingest.Chunk(document);

        Assert.All(chunks, c => Assert.NotNull(c.Page));
        Assert.All(chunks, c => Assert.InRange(c.TokenCount, 1, 400));
        foreach (var chunk in chunks)
        {
            // Every chunk's text is found in blocks of its own page (ignoring overlap joins, check its first 30 characters).
            var pageText = Flat(string.Join(" ", document.Blocks.Where(b => b.Page == chunk.Page).Select(b => b.Text)));
            var start = Flat(chunk.Text);
            Assert.Contains(start[..Math.Min(30, start.Length)], pageText);
        }
        Assert.Equal(Enumerable.Range(1, 6), chunks.Select(c => c.Page!.Value).Distinct().Order());
    }

    internal static readonly Lazy<ParsedDocument> Benefits = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("kb-pdf-").FullName;
        try { return Ingest.ParseFile(Evaluation.CompanyDocumentSet.WriteAll(dir).Single(p => p.EndsWith(".pdf"))); }
        finally { Directory.Delete(dir, recursive: true); }
    });

    [Fact]
    public void Pdf_numbered_headings_nest_by_their_numbering()
    {
        var headings = Benefits.Value.Blocks.Where(b => b.Kind == BlockKind.Heading).Select(b => (b.Level, b.Text)).ToList();

        Assert.Equal((1, "2026 수산주식회사 복리후생 안내"), headings[0]);
        Assert.Contains((2, "2. 경조금"), headings);
        Assert.Contains((3, "가. 지급 기준"), headings);
        Assert.Contains((2, "11. 문의"), headings);
        // The bold header row of a table and the caption are not headings.
        Assert.DoesNotContain(headings, h => h.Text.StartsWith("구분") || h.Text.StartsWith("표 1"));
    }

    [Fact]
    public void Pdf_chunks_carry_section_paths_like_other_formats()
    {
        var chunks = Ingest.Chunk(Benefits.Value);

        var points = chunks.Single(c => c.Text.Contains("1,200,000포인트"));
        Assert.Equal("2026 수산주식회사 복리후생 안내 > 5. 선택적 복리후생(복지포인트) > 가. 배정", points.Section);
        var loan = chunks.Single(c => c.Text.Contains("50,000,000원"));
        Assert.Equal("2026 수산주식회사 복리후생 안내 > 6. 주택자금 대출", loan.Section);
        // A heading's section ends where the next heading of the same level begins.
        Assert.DoesNotContain(chunks, c => c.Section.Contains("5. 선택적") && c.Text.Contains("50,000,000원"));
    }

    [Fact]
    public void Pdf_roman_statute_and_unnumbered_headings_give_chunks_their_section_paths()
    {
        var pdf = Evaluation.CompanyDocumentSet.Pdf("""
            # 수산 복무 규정
            ## Ⅰ. 총칙
            ### 제1조(목적)
            이 규정은 직원의 복무에 관한 사항을 정한다.
            ## Ⅱ. 복무
            ### 제2조(근무시간)
            근무시간은 오전 9시부터 오후 6시까지로 한다.
            ### 제3조(휴게)
            휴게시간은 낮 12시부터 1시간으로 한다.
            ## 부록
            서식은 그룹웨어 자료실에서 내려받는다.
            """);
        var document = Ingest.Parse(pdf, "복무규정.pdf");

        var headings = document.Blocks.Where(b => b.Kind == BlockKind.Heading).Select(b => (b.Level, b.Text)).ToList();
        Assert.Equal([(1, "수산 복무 규정"), (2, "Ⅰ. 총칙"), (6, "제1조(목적)"), (2, "Ⅱ. 복무"), (6, "제2조(근무시간)"), (6, "제3조(휴게)"), (2, "부록")], headings);
        var chunks = Ingest.Chunk(document);
        Assert.Equal("수산 복무 규정 > Ⅱ. 복무 > 제2조(근무시간)", chunks.Single(c => c.Text.Contains("오전 9시")).Section);
        Assert.Equal("수산 복무 규정 > Ⅱ. 복무 > 제3조(휴게)", chunks.Single(c => c.Text.Contains("낮 12시")).Section);
        // A heading set larger than the body but unnumbered closes the numbered section before it.
        Assert.Equal("수산 복무 규정 > 부록", chunks.Single(c => c.Text.Contains("자료실")).Section);
    }

    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
}
