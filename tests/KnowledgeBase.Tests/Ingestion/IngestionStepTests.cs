using System.Text;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Ingestion;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgeBase.Tests.Ingestion;

/// <summary>Ingestion's named steps through the one pipeline the product uses: a run records each finished step, and a
/// run that resumes skips what was finished (the file is not read again) and redoes a step whose output is gone.</summary>
public sealed class IngestionStepTests : IAsyncLifetime
{
    private const string Text = "# 취업규칙\n\n## 제5조 (연차휴가)\n\n회사는 1년간 80퍼센트 이상 출근한 직원에게 15일의 유급휴가를 준다.\n\n## 제6조 (경조휴가)\n\n본인 결혼 시 5일의 경조휴가를 준다.\n";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "kb-steps-" + Guid.NewGuid().ToString("N")[..10]);
    private ServiceProvider _provider = null!;

    private IngestionPipeline Pipeline => _provider.GetRequiredService<IngestionPipeline>();

    public Task InitializeAsync()
    {
        _provider = new ServiceCollection()
            .AddLogging()
            .Configure<KnowledgeBaseOptions>(o => (o.DataDir, o.StorageDir) = (Path.Combine(_dir, "data"), Path.Combine(_dir, "storage")))
            .AddIngestion()
            .AddRetrieval()
            .BuildServiceProvider();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static IngestionJob Job(string documentId, Func<CancellationToken, Task<Stream>> open)
        => new(documentId, 1, "rules.md", "text/markdown", "rules", ["hr"], DefaultCollection.Id, open);

    private static Task<Stream> Content(CancellationToken _) => Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetBytes(Text)));

    private static Task<Stream> Unreadable(CancellationToken _) => throw new InvalidOperationException("the file must not be read again");

    private async Task<bool> FindsAsync(string documentId, string question)
        => (await _provider.GetRequiredService<IRetriever>().RetrieveAsync(question, 5, null, null)).Any(h => h.DocumentId == documentId);

    [Fact]
    public async Task A_run_records_every_step_in_order_and_the_document_is_found()
    {
        var journal = new RecordingJournal();
        var result = await Pipeline.RunAsync(Job("doc_steps_000001", Content), journal);

        Assert.Equal(["start Parse", "done Parse", "start Chunk", "done Chunk", "start Embed", "done Embed", "start Index", "done Index"], journal.Events);
        Assert.Equal("취업규칙", journal.Titles[IngestionStep.Chunk]);
        Assert.True(result.ChunkCount >= 1);
        Assert.True(await FindsAsync("doc_steps_000001", "경조휴가는 며칠인가요?"));
    }

    [Fact]
    public async Task A_resumed_run_skips_the_finished_steps_and_never_reads_the_file_again()
    {
        var first = new RecordingJournal();
        await Pipeline.RunAsync(Job("doc_steps_000002", Content), first);
        await _provider.GetRequiredService<KnowledgeBase.Grains.Retrieval.Replication.IndexReplicator>().RemoveAsync("doc_steps_000002");
        Assert.False(await FindsAsync("doc_steps_000002", "경조휴가는 며칠인가요?"));

        // As after a silo died during indexing: chunking and embedding had finished.
        var resumed = new RecordingJournal(first.Outputs, IngestionStep.Embed);
        await Pipeline.RunAsync(Job("doc_steps_000002", Unreadable), resumed);

        Assert.Equal(["start Index", "done Index"], resumed.Events);
        Assert.True(await FindsAsync("doc_steps_000002", "경조휴가는 며칠인가요?"));
    }

    [Fact]
    public async Task A_finished_step_whose_output_is_gone_runs_again_from_the_last_output_still_there()
    {
        var first = new RecordingJournal();
        await Pipeline.RunAsync(Job("doc_steps_000003", Content), first);
        var outputs = new Dictionary<IngestionStep, object>(first.Outputs);
        outputs.Remove(IngestionStep.Embed);
        outputs.Remove(IngestionStep.Chunk);

        var resumed = new RecordingJournal(outputs, IngestionStep.Embed);
        await Pipeline.RunAsync(Job("doc_steps_000003", Unreadable), resumed);

        Assert.Equal(["start Chunk", "done Chunk", "start Embed", "done Embed", "start Index", "done Index"], resumed.Events);
    }

    /// <summary>Keeps outputs in memory, as the document grain keeps them in the blob store.</summary>
    private sealed class RecordingJournal(Dictionary<IngestionStep, object>? outputs = null, IngestionStep? lastCompleted = null) : IIngestionJournal
    {
        public Dictionary<IngestionStep, object> Outputs { get; } = outputs ?? [];
        public List<string> Events { get; } = [];
        public Dictionary<IngestionStep, string?> Titles { get; } = [];

        public IngestionStep? LastCompleted { get; private set; } = lastCompleted;

        public Task<T?> ReadAsync<T>(IngestionStep step, CancellationToken cancellationToken) where T : class
            => Task.FromResult(Outputs.GetValueOrDefault(step) as T);

        public Task StartingAsync(IngestionStep step, string? title)
        {
            Events.Add($"start {step}");
            Titles[step] = title;
            return Task.CompletedTask;
        }

        public Task CompletedAsync<T>(IngestionStep step, T output, CancellationToken cancellationToken) where T : class
        {
            Events.Add($"done {step}");
            Outputs[step] = output;
            LastCompleted = step;
            return Task.CompletedTask;
        }
    }
}
