using KnowledgeBase.Grains.Ingestion;
using KnowledgeBase.Tests.Ingestion;

namespace KnowledgeBase.Tests.Evaluation;

public sealed class CompanyDocumentSetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kb-company-docs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Every_company_document_parses_as_its_format_with_its_title_and_sections()
    {
        var paths = CompanyDocumentSet.WriteAll(_dir);
        var parsed = paths.ToDictionary(p => Path.GetFileName(p), Ingest.ParseFile);

        Assert.Equal(("docx", "수산주식회사 취업규칙"), (parsed[CompanyDocumentSet.RulesFile].Format, parsed[CompanyDocumentSet.RulesFile].Title));
        Assert.Equal(("xlsx", "수산주식회사 출장여비 지급기준 (2026)"), (parsed[CompanyDocumentSet.TravelFile].Format, parsed[CompanyDocumentSet.TravelFile].Title));
        Assert.Equal(("pdf", "2026 수산주식회사 복리후생 안내"), (parsed[CompanyDocumentSet.BenefitsFile].Format, parsed[CompanyDocumentSet.BenefitsFile].Title));
        Assert.Equal(("html", "IT 헬프데스크 자주 묻는 질문"), (parsed[CompanyDocumentSet.ItFaqFile].Format, parsed[CompanyDocumentSet.ItFaqFile].Title));
        Assert.Equal(("hwpx", "2026년 하계 집중휴가 시행 안내"), (parsed[CompanyDocumentSet.NoticeFile].Format, parsed[CompanyDocumentSet.NoticeFile].Title));

        // Several pages of real content each, with the structure a reader sees.
        Assert.True(parsed[CompanyDocumentSet.BenefitsFile].PageCount >= 3, $"benefits guide: {parsed[CompanyDocumentSet.BenefitsFile].PageCount} pages");
        Assert.Contains(parsed[CompanyDocumentSet.RulesFile].Blocks, b => b is { Kind: BlockKind.Record, Label: "표 1. 휴가의 종류와 일수 > 배우자 출산휴가 배우자 출산" } && b.Text.Contains("일수: 20일"));
        Assert.Contains(parsed[CompanyDocumentSet.RulesFile].Blocks, b => b.Kind == BlockKind.Heading && b.Text == "제12조(연차휴가)");
        Assert.Contains(parsed[CompanyDocumentSet.TravelFile].Blocks, b => b.Kind == BlockKind.Heading && b.Text == "해외출장");
        Assert.Contains(parsed[CompanyDocumentSet.ItFaqFile].Blocks, b => b.Kind == BlockKind.Heading && b.Text == "USB 메모리를 쓸 수 있나요?");
        Assert.Contains(parsed[CompanyDocumentSet.NoticeFile].Blocks, b => b.Kind == BlockKind.Heading && b.Text == "3. 신청 방법");
        Assert.Contains(parsed[CompanyDocumentSet.NoticeFile].Blocks, b => b.Kind == BlockKind.Record && b.Text.Contains("생산본부"));
        var pdfText = Ingest.AllText(parsed[CompanyDocumentSet.BenefitsFile]);
        Assert.Contains("본인 결혼", pdfText);
        Assert.Contains("1,200,000포인트", pdfText);
        Assert.DoesNotContain("인트라넷 홈", Ingest.AllText(parsed[CompanyDocumentSet.ItFaqFile]));
    }
}
