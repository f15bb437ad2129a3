using System.Text;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Ingestion;
using KnowledgeBase.Grains.Models;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Tests.Ingestion;

/// <summary>The real parser and chunker, wired as AddIngestion wires them, for tests.</summary>
internal static class Ingest
{
    public static readonly ITokenCounter Tokens = new TiktokenTokenCounter();

    public static KnowledgeBaseOptions Options(int chunkTokens = 400, int overlap = 60, long maxUpload = 50L * 1024 * 1024) =>
        new() { ChunkTokens = chunkTokens, ChunkOverlapTokens = overlap, MaxUploadBytes = maxUpload };

    public static DocumentParser Parser(KnowledgeBaseOptions? options = null) => new(Microsoft.Extensions.Options.Options.Create(options ?? Options()));

    public static StructuredChunker Chunker(KnowledgeBaseOptions? options = null) => new(Tokens, Microsoft.Extensions.Options.Options.Create(options ?? Options()));

    public static ParsedDocument Parse(byte[] bytes, string fileName, string? contentType = null) =>
        Parser().Parse(new MemoryStream(bytes), fileName, contentType);

    public static ParsedDocument Parse(string text, string fileName, string? contentType = null) =>
        Parse(Encoding.UTF8.GetBytes(text), fileName, contentType);

    public static ParsedDocument ParseFile(string path) => Parse(File.ReadAllBytes(path), Path.GetFileName(path));

    public static IReadOnlyList<ChunkDraft> Chunk(ParsedDocument document, KnowledgeBaseOptions? options = null) => Chunker(options).Chunk(document);

    public static DocumentRejectedException Rejected(byte[] bytes, string fileName, string? contentType = null, KnowledgeBaseOptions? options = null) =>
        Assert.Throws<DocumentRejectedException>(() => Parser(options).Parse(new MemoryStream(bytes), fileName, contentType));

    public static string AllText(ParsedDocument document) => string.Join("\n", document.Blocks.Select(b => b.Text));
}
