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

    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
}
