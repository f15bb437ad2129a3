using System.Text.RegularExpressions;
using KnowledgeBase.Grains.Ingestion;

namespace KnowledgeBase.Tests.Ingestion;

public class StatuteChunkingTests
{
    public static TheoryData<string, string> Statutes => new()
    {
        { "labor-standards-act.md", "근로기준법" },
        { "labor-standards-decree.md", "근로기준법 시행령" },
        { "equal-employment-act.md", "남녀고용평등과 일ㆍ가정 양립 지원에 관한 법률" },
        { "minimum-wage-act.md", "최저임금법" },
        { "retirement-benefit-act.md", "근로자퇴직급여 보장법" },
    };

    private const string Article60Section = "근로기준법 > 제4장 근로시간과 휴식 > 제60조 (연차 유급휴가)";

    [Fact]
    public void Statute_article_62_is_one_chunk_with_its_section_path()
    {
        var chunks = Ingest.Chunk(Ingest.ParseFile(TestData.LaborLaw("labor-standards-act.md")));

        var article62 = Assert.Single(chunks, c => c.Section == "근로기준법 > 제4장 근로시간과 휴식 > 제62조 (유급휴가의 대체)");
        Assert.Equal("사용자는 근로자대표와의 서면 합의에 따라 제60조에 따른 연차 유급휴가일을 갈음하여 특정한 근로일에 근로자를 휴무시킬 수 있다.", article62.Text);
    }

    [Fact]
    public void Statute_articles_that_fit_the_budget_are_never_split()
    {
        var document = Ingest.ParseFile(TestData.LaborLaw("labor-standards-act.md"));
        var chunks = Ingest.Chunk(document);

        // Article 60 (about 870 tokens) is the only kind that may span chunks; every article under the budget is exactly one chunk.
        var bySection = chunks.GroupBy(c => c.Section).Where(g => g.Key.Contains('조')).ToList();
        var split = bySection.Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.All(split, section => Assert.True(chunks.Where(c => c.Section == section).Sum(c => c.TokenCount) > 400, section));
        Assert.True(bySection.Count(g => g.Count() == 1) > 110, $"{bySection.Count(g => g.Count() == 1)} single of {bySection.Count}; split: {string.Join(", ", split)}");
    }

    [Fact]
    public void Long_article_60_is_split_at_paragraph_boundaries_and_every_part_carries_its_section_path()
    {
        var chunks = Ingest.Chunk(Ingest.ParseFile(TestData.LaborLaw("labor-standards-act.md")));

        var article60 = chunks.Where(c => c.Section == Article60Section).ToList();

        Assert.InRange(article60.Count, 2, 4);
        Assert.StartsWith("① 사용자는 1년간 80퍼센트 이상 출근한 근로자에게 15일의 유급휴가를 주어야 한다.", article60[0].Text);
        var all = string.Join("\n", article60.Select(c => c.Text));
        foreach (var mark in "①②③④⑤⑥⑦⑧⑨") Assert.Contains(mark + " ", all);
        Assert.Contains("5. 제74조제7항에 따른 임신기 근로시간 단축", all);
        Assert.DoesNotContain("**", all);
        Assert.DoesNotContain("\\.", all);
        // Each later part starts at a paragraph, item or sentence start (an overlap sentence or a circled number), never mid-sentence.
        Assert.All(article60.Skip(1), c => Assert.Matches(@"^(?:[①-⑳] |\d+\. |다만|이 경우|[가-힣])", c.Text));
        Assert.All(article60, c => Assert.InRange(c.TokenCount, 100, 400));
    }

    [Fact]
    public void Long_article_parts_overlap_so_a_sentence_cut_at_the_boundary_is_not_lost()
    {
        var chunks = Ingest.Chunk(Ingest.ParseFile(TestData.LaborLaw("labor-standards-act.md")));
        var article60 = chunks.Where(c => c.Section == Article60Section).ToList();

        for (var i = 1; i < article60.Count; i++)
        {
            var firstLine = article60[i].Text.Split('\n')[0];
            Assert.Contains(firstLine, article60[i - 1].Text);
        }
    }

    [Theory]
    [MemberData(nameof(Statutes))]
    public void Statute_front_matter_is_skipped_and_gives_the_title(string file, string title)
    {
        var document = Ingest.ParseFile(TestData.LaborLaw(file));

        Assert.Equal(title, document.Title);
        Assert.Equal("markdown", document.Format);
        Assert.DoesNotContain(document.Blocks, b => b.Text.Contains("법령MST") || b.Text.Contains("flDownload"));
        Assert.Equal(BlockKind.Heading, document.Blocks[0].Kind);
        Assert.Equal(title, document.Blocks[0].Text);
    }

    [Theory]
    [MemberData(nameof(Statutes))]
    public void Statute_chunks_fit_the_budget_are_clean_and_cover_every_article(string file, string title)
    {
        var path = TestData.LaborLaw(file);
        var chunks = Ingest.Chunk(Ingest.ParseFile(path));

        Assert.NotEmpty(chunks);
        Assert.All(chunks, c =>
        {
            Assert.InRange(c.TokenCount, 1, 400);
            Assert.Equal(Ingest.Tokens.Count(c.Text), c.TokenCount);
            Assert.DoesNotContain('\uFFFD', c.Text);
            Assert.StartsWith(title, c.Section);
            Assert.Equal(c.Text.Normalize(System.Text.NormalizationForm.FormC), c.Text);
        });
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Index));

        // Every article heading of the file (제N조, 제N조의M) names the section of at least one chunk.
        var articles = Regex.Matches(File.ReadAllText(path), @"^#+ (제\d+조(?:의\d+)?)", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(articles.Count > 20, $"expected many articles in {file}");
        var sectionArticles = chunks.Select(c => Regex.Match(c.Section, @"(제\d+조(?:의\d+)?)(?=\s|\(|$)")).Where(m => m.Success)
            .Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(string.Empty, string.Join(", ", articles.Where(a => !sectionArticles.Contains(a))));
    }

    [Fact]
    public void Chapter_headings_lose_their_amendment_notes_in_the_section_path()
    {
        var chunks = Ingest.Chunk(Ingest.ParseFile(TestData.LaborLaw("labor-standards-act.md")));

        var harassment = chunks.First(c => c.Section.Contains("제76조의2"));

        Assert.Equal("근로기준법 > 제6장의2 직장 내 괴롭힘의 금지 > 제76조의2 (직장 내 괴롭힘의 금지)", harassment.Section);
    }

    [Fact]
    public void Section_headings_nest_chapter_then_section_then_article()
    {
        var chunks = Ingest.Chunk(Ingest.ParseFile(TestData.LaborLaw("equal-employment-act.md")));

        Assert.Contains(chunks, c => c.Section.StartsWith("남녀고용평등과 일ㆍ가정 양립 지원에 관한 법률 > 제2장 고용에서 남녀의 평등한 기회보장 및 대우등 > 제2절 직장 내 성희롱의 금지 및 예방 > 제12조"));
    }
}
