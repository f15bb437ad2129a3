using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Ingestion;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgeBase.Tests.Retrieval;

/// <summary>Ingestion leaves a segment per document; once the index has been quiet it is merged into one, which answers
/// exactly as the segments did, and stays merged after a restart.</summary>
public sealed class IndexCompactionTests
{
    private static readonly string[] Questions =
    [
        "연차 유급휴가는 며칠인가요?", "연장근로 가산임금은 얼마인가요?", "육아휴직은 얼마나 쓸 수 있나요?", "퇴직금은 언제까지 지급해야 하나요?",
        "최저임금은 어떻게 정해지나요?", "해고 예고는 며칠 전에 해야 하나요?", "직장 내 성희롱 예방 교육", "야간근로 수당은 어떻게 계산하나요?",
    ];

    [Fact]
    public async Task A_quiet_index_is_merged_into_one_segment_that_answers_as_before_and_stays_merged()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "kb-compact-" + Guid.NewGuid().ToString("N")[..10]);
        ServiceProvider Start() => new ServiceCollection()
            .AddLogging()
            .Configure<KnowledgeBaseOptions>(o => (o.DataDir, o.StorageDir) = (dataDir, Path.Combine(dataDir, "storage")))
            .Configure<RetrievalOptions>(o => o.CompactAfterQuiet = TimeSpan.FromSeconds(5))
            .AddIngestion()
            .AddRetrieval()
            .BuildServiceProvider();
        try
        {
            List<List<(string, double)>> before, merged;
            await using (var services = Start())
            {
                var pipeline = services.GetRequiredService<IngestionPipeline>();
                foreach (var file in LaborLawIndexFixture.Files)
                {
                    await using var content = File.OpenRead(TestData.LaborLaw(file));
                    await pipeline.RunAsync(LaborLawIndexFixture.DocumentId(file), content, file, "text/markdown", []);
                }
                var index = (HybridKnowledgeIndex)services.GetRequiredService<IKnowledgeIndex>();
                var segments = index.SegmentCount;
                before = await AnswersAsync(services);
                Assert.True(segments > 1, $"ingestion left {segments} segment(s)");

                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (index.SegmentCount > 1 && waited.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(200);
                Assert.Equal(1, index.SegmentCount);
                merged = await AnswersAsync(services);
            }
            Assert.Equal(before, merged);
            Assert.Contains(before, answers => answers.Count >= 5);

            await using (var restarted = Start())
            {
                Assert.Equal(1, ((HybridKnowledgeIndex)restarted.GetRequiredService<IKnowledgeIndex>()).SegmentCount);
                Assert.Equal(before, await AnswersAsync(restarted));
            }
        }
        finally
        {
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<List<List<(string, double)>>> AnswersAsync(IServiceProvider services)
    {
        var retriever = services.GetRequiredService<IRetriever>();
        var answers = new List<List<(string, double)>>();
        foreach (var question in Questions)
            answers.Add((await retriever.RetrieveAsync(question, 10, null, null)).Select(h => (h.ChunkId, h.Score)).ToList());
        return answers;
    }
}
