using KnowledgeBase.Grains.Chat;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Ingestion;
using KnowledgeBase.Grains.Models;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgeBase.Tests.Answers;

/// <summary>The offline answer path without a cluster: the real ingestion pipeline and index in a temporary folder, then
/// questions asked through retrieval, the relevance gate, the prompt and the extractive answerer, as a chat turn does.</summary>
public abstract class OfflineAnswerFixture : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "kb-answers-" + Guid.NewGuid().ToString("N")[..10]);
    private ServiceProvider? _provider;

    public IServiceProvider Services => _provider!;

    /// <summary>Puts the fixture's documents through the pipeline.</summary>
    protected abstract Task IndexAsync(IngestionPipeline pipeline);

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .Configure<KnowledgeBaseOptions>(o => o.DataDir = _dataDir)
            .AddIngestion()
            .AddRetrieval();
        services.AddSingleton<ITokenCounter, TiktokenTokenCounter>();
        services.AddSingleton<SourceSelector>();
        services.AddSingleton<PromptBuilder>();
        services.AddSingleton<IChatClient>(sp => new ExtractiveChatClient(sp.GetRequiredService<ITokenCounter>(), sp.GetRequiredService<QueryExpander>()));
        _provider = services.BuildServiceProvider();
        await IndexAsync(_provider.GetRequiredService<IngestionPipeline>());
    }

    /// <summary>What the chat turn does offline: retrieve, keep the relevant sources, build the prompt, answer.</summary>
    public async Task<(IReadOnlyList<SourceReference> Sources, string Answer)> AskAsync(string question)
    {
        var hits = await Services.GetRequiredService<IRetriever>().RetrieveAsync(question, 10, null, null);
        var relevant = Services.GetRequiredService<SourceSelector>().Select(question, hits).Take(5).ToList();
        var prompt = Services.GetRequiredService<PromptBuilder>().Build(question, [], relevant);
        var response = await Services.GetRequiredService<IChatClient>().GetResponseAsync(prompt.Messages);
        return (prompt.Sources, response.Text);
    }

    public async Task DisposeAsync()
    {
        if (_provider is not null) await _provider.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }
}
