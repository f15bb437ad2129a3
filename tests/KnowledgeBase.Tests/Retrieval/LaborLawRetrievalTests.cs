using System.Text.RegularExpressions;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Ingestion;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgeBase.Tests.Retrieval;

/// <summary>The five statutes go through the real pipeline (parse, chunk, embed, index) with the offline embedder.</summary>
public sealed class LaborLawIndexFixture : IAsyncLifetime
{
    public static readonly string[] Files =
        ["labor-standards-act.md", "labor-standards-decree.md", "minimum-wage-act.md", "retirement-benefit-act.md", "equal-employment-act.md"];

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "kb-labor-" + Guid.NewGuid().ToString("N")[..10]);
    private ServiceProvider? _provider;

    public IRetriever Retriever => _provider!.GetRequiredService<IRetriever>();

    public static string DocumentId(string file) => "doc_" + Path.GetFileNameWithoutExtension(file).Replace('-', '_');

    public async Task InitializeAsync()
    {
        _provider = new ServiceCollection()
            .AddLogging()
            .Configure<KnowledgeBaseOptions>(o => (o.DataDir, o.StorageDir) = (_dataDir, Path.Combine(_dataDir, "storage")))
            .AddIngestion()
            .AddRetrieval()
            .BuildServiceProvider();
        var pipeline = _provider.GetRequiredService<IngestionPipeline>();
        foreach (var file in Files)
        {
            await using var content = File.OpenRead(TestData.LaborLaw(file));
            await pipeline.RunAsync(DocumentId(file), content, file, "text/markdown", ["labor-law"]);
        }
    }

    public async Task DisposeAsync()
    {
        if (_provider is not null) await _provider.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }
}

public class LaborLawRetrievalTests(LaborLawIndexFixture fixture) : IClassFixture<LaborLawIndexFixture>
{
    // BM25 alone ranks the one-sentence 제62조 ("제60조에 따른 연차 유급휴가일을 갈음하여") above the long 제60조; the
    // section path and the proximity reranking must bring 제60조 (연차 유급휴가) to the top.
    [Fact]
    public Task Annual_leave_question_finds_article_60()
        => Question_finds_the_article_with_its_section_path("연차 유급휴가는 며칠인가요?", "labor-standards-act.md", @"제60조\s*\(연차 유급휴가\)");

    [Theory]
    [InlineData("연장근로 가산임금", "labor-standards-act.md", @"제56조\s*\(연장")]
    [InlineData("육아휴직", "equal-employment-act.md", @"제19조\s*\(육아휴직\)")]
    public async Task Question_finds_the_article_with_its_section_path(string question, string file, string article)
    {
        var hits = await fixture.Retriever.RetrieveAsync(question, 5, null, null);

        Assert.NotEmpty(hits);
        var top = hits[0];
        Assert.True(top.DocumentId == LaborLawIndexFixture.DocumentId(file) && Regex.IsMatch(top.Section, article),
            $"top hit was {top.DocumentId} / {top.Section}: {top.Text[..Math.Min(80, top.Text.Length)]}");
        Assert.Contains(" > ", top.Section);
    }

    [Fact]
    public async Task Tag_filter_on_an_unknown_tag_returns_nothing()
    {
        Assert.Empty(await fixture.Retriever.RetrieveAsync("육아휴직", 5, ["finance"], null));
        Assert.NotEmpty(await fixture.Retriever.RetrieveAsync("육아휴직", 5, ["labor-law"], null));
    }
}
