using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Ingestion;
using KnowledgeBase.Grains.Models;
using KnowledgeBase.Grains.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using KnowledgeBase.Tests.Infrastructure;
using Orleans.TestingHost;

namespace KnowledgeBase.Tests.Ingestion;

/// <summary>A document whose embedding hits a cluster failure is retried from the embed step: it becomes ready without
/// its file being parsed again, and the outputs kept for resuming are cleaned up once it is ready.</summary>
public sealed class IngestionRecoveryTests : OneSiloCluster<IngestionRecoveryTests.SiloConfigurator>
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "kb-ingest-recovery", Guid.NewGuid().ToString("N")[..12]);
    protected override string ScratchFolder => Root;

    private IServiceProvider Silo => ((InProcessSiloHandle)Cluster.Primary!).SiloHost!.Services;

    [Fact]
    public async Task A_cluster_failure_while_embedding_resumes_at_embedding_without_parsing_the_file_again()
    {
        var bytes = Encoding.UTF8.GetBytes($"# 출장비 규정\n\n## 제3조 ({FlakyEmbedder.Marker})\n\n국내 출장 시 일비는 하루 3만 원으로 한다.\n\n<!-- {Guid.NewGuid()} -->\n");
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var id = "doc_" + sha[..12];
        var key = $"documents/{id}/1/{sha}";
        var blobs = Silo.GetRequiredService<IBlobStore>();
        await blobs.PutAsync(key, new MemoryStream(bytes), "text/markdown");
        var grain = Cluster.GrainFactory.GetGrain<IDocumentGrain>(id);

        await grain.SubmitAsync(new DocumentUpload("travel.md", "text/markdown", bytes.Length, sha, key, ["hr"], "tester"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        DocumentInfo? info;
        while ((info = await grain.GetAsync())?.Status is not (DocumentStatus.Ready or DocumentStatus.Failed) && DateTime.UtcNow < deadline)
            await Task.Delay(50);

        Assert.Equal(DocumentStatus.Ready, info?.Status);
        Assert.Equal("출장비 규정", info!.Title);
        Assert.Equal(2, FlakyEmbedder.Calls.GetValueOrDefault(FlakyEmbedder.Marker));
        Assert.Equal(1, CountingParser.Parses.GetValueOrDefault("travel.md"));
        var kept = new List<string>();
        await foreach (var blob in blobs.ListAsync($"ingestion/{id}/")) kept.Add(blob.Key);
        Assert.Empty(kept);
    }

    /// <summary>Fails the first embedding of texts carrying the marker the way a call to a dead silo fails.</summary>
    private sealed class FlakyEmbedder(IEmbeddingGenerator<string, Embedding<float>> inner) : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        public const string Marker = "임베딩 장애";
        public static readonly ConcurrentDictionary<string, int> Calls = new();

        public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            var texts = values.ToList();
            if (texts.Any(t => t.Contains(Marker, StringComparison.Ordinal)) && Calls.AddOrUpdate(Marker, 1, (_, n) => n + 1) == 1)
                throw new TimeoutException("simulated: the silo holding the embedding cache did not answer");
            return base.GenerateAsync(texts, options, cancellationToken);
        }
    }

    private sealed class CountingParser(DocumentParser inner) : IDocumentParser
    {
        public static readonly ConcurrentDictionary<string, int> Parses = new();

        public ParsedDocument Parse(Stream content, string fileName, string? declaredContentType)
        {
            Parses.AddOrUpdate(fileName, 1, (_, n) => n + 1);
            return inner.Parse(content, fileName, declaredContentType);
        }
    }

    public sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DATABASE_URL"] = "sqlite:///" + Path.Combine(Root, "grains.db"),
                ["DATA_DIR"] = Path.Combine(Root, "data"),
                ["STORAGE_DIR"] = Path.Combine(Root, "storage"),
                ["LOG_DIR"] = Path.Combine(Root, "logs"),
            }).Build();
            silo.AddGrainStorage(config);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<IDocumentParser>(sp => new CountingParser(ActivatorUtilities.CreateInstance<DocumentParser>(sp)));
            silo.Services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => new FlakyEmbedder(new HashingEmbeddingGenerator()));
            silo.Services.AddKnowledgeBaseServices(config);
        }
    }
}
