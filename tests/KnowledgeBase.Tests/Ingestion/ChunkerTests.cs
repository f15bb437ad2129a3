using System.Diagnostics;
using KnowledgeBase.Grains.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace KnowledgeBase.Tests.Ingestion;

public class ChunkerTests(ITestOutputHelper output)
{
    private static ParsedDocument Doc(params List<DocumentBlock> blocks) => new("문서", "text", blocks);

    [Fact]
    public void Table_that_fits_stays_whole_in_one_chunk()
    {
        var table = string.Join('\n', Enumerable.Range(1, 15).Select(i => $"직원{i} | 인사팀 | 연차 {i}일"));
        var chunks = Ingest.Chunk(Doc(new DocumentBlock(BlockKind.Paragraph, "아래 표를 보라."), new DocumentBlock(BlockKind.Table, "이름 | 부서 | 연차\n" + table)));

        var chunk = Assert.Single(chunks);
        Assert.EndsWith(table, chunk.Text);
    }

    [Fact]
    public void Table_too_big_for_one_chunk_is_split_by_rows_and_each_part_repeats_the_header()
    {
        var rows = Enumerable.Range(1, 200).Select(i => $"직원{i} | 인사팀 | 연차 {i}일").ToList();
        var chunks = Ingest.Chunk(Doc(new DocumentBlock(BlockKind.Table, "이름 | 부서 | 연차\n" + string.Join('\n', rows))));

        Assert.True(chunks.Count > 2);
        Assert.All(chunks, c => Assert.StartsWith("이름 | 부서 | 연차\n", c.Text));
        Assert.All(chunks, c => Assert.InRange(c.TokenCount, 1, 400));
        // Every row survives exactly once, uncut.
        var seen = chunks.SelectMany(c => c.Text.Split('\n').Skip(1)).ToList();
        Assert.Equal(rows, seen);
    }

    [Fact]
    public void Blocks_on_different_pages_never_share_a_chunk()
    {
        var chunks = Ingest.Chunk(Doc(
            new DocumentBlock(BlockKind.Paragraph, "첫 페이지의 짧은 문장이다.", 1),
            new DocumentBlock(BlockKind.Paragraph, "둘째 페이지의 짧은 문장이다.", 2)));

        Assert.Equal([1, 2], chunks.Select(c => c.Page!.Value));
        Assert.Equal("첫 페이지의 짧은 문장이다.", chunks[0].Text);
    }

    [Fact]
    public void Long_unpunctuated_korean_is_cut_at_whitespace_never_inside_a_syllable()
    {
        var words = Enumerable.Range(0, 900).Select(i => "근로자의" + (char)('가' + i % 50) + "휴가").ToList();
        var text = string.Join(' ', words);
        var chunks = Ingest.Chunk(Doc(new DocumentBlock(BlockKind.Paragraph, text)));

        Assert.True(chunks.Count > 3);
        Assert.All(chunks, c => Assert.InRange(c.TokenCount, 1, 400));
        // Every word of every chunk is a whole word of the input.
        var known = words.ToHashSet();
        Assert.All(chunks.SelectMany(c => c.Text.Split(' ')), w => Assert.Contains(w, known));
    }

    [Fact]
    public void Run_of_hangul_without_any_space_is_cut_at_character_boundaries_only()
    {
        var text = string.Concat(Enumerable.Range(0, 3000).Select(i => (char)('가' + i * 7 % 11172)));
        var chunks = Ingest.Chunk(Doc(new DocumentBlock(BlockKind.Paragraph, text)));

        Assert.True(chunks.Count > 1);
        Assert.All(chunks, c => Assert.InRange(c.TokenCount, 1, 400));
        Assert.All(chunks, c => Assert.DoesNotContain('\uFFFD', c.Text));
        Assert.All(chunks, c => Assert.All(c.Text, ch => Assert.InRange(ch, '가', '힣')));
    }

    [Fact]
    public void Sentences_split_after_korean_endings_and_question_marks_but_not_after_list_numbers()
    {
        var sentences = SentenceSplitter.Split("연차는 15일이다. 반차도 되나요? 됩니다! 1. 첫째 항목을 본다. 3.5일은 반올림한다.");

        Assert.Equal(["연차는 15일이다.", "반차도 되나요?", "됩니다!", "1. 첫째 항목을 본다.", "3.5일은 반올림한다."], sentences);
    }

    [Fact]
    public void Small_trailing_fragment_is_merged_instead_of_left_alone()
    {
        var sentence = "사용자는 근로자가 청구한 시기에 휴가를 주어야 하고 그 기간에 대하여는 통상임금을 지급하여야 한다.";
        var body = string.Join(' ', Enumerable.Repeat(sentence, 17));
        var chunks = Ingest.Chunk(Doc(new DocumentBlock(BlockKind.Paragraph, body), new DocumentBlock(BlockKind.Paragraph, "끝.")));

        Assert.True(chunks.Count >= 2);
        Assert.True(chunks[^1].TokenCount >= 400 / 6, $"last chunk has {chunks[^1].TokenCount} tokens");
        Assert.EndsWith("끝.", chunks[^1].Text);
    }

    [Fact]
    public void Chunk_size_follows_the_options()
    {
        var document = Ingest.ParseFile(TestData.LaborLaw("labor-standards-act.md"));

        var small = Ingest.Chunk(document, Ingest.Options(chunkTokens: 200, overlap: 30));
        var large = Ingest.Chunk(document);

        Assert.All(small, c => Assert.InRange(c.TokenCount, 1, 200));
        Assert.True(small.Count > large.Count);
    }

    [Fact]
    public void AddIngestion_registers_the_parser_chunker_token_counter_and_pipeline()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(_ => null!);
        services.AddSingleton<KnowledgeBase.Grains.Retrieval.IKnowledgeIndex>(_ => null!);
        services.AddIngestion();
        using var provider = services.BuildServiceProvider();

        Assert.IsType<DocumentParser>(provider.GetRequiredService<IDocumentParser>());
        Assert.IsType<StructuredChunker>(provider.GetRequiredService<IChunker>());
        Assert.IsType<KnowledgeBase.Grains.Models.TiktokenTokenCounter>(provider.GetRequiredService<KnowledgeBase.Grains.Models.ITokenCounter>());
        var parsed = provider.GetRequiredService<IDocumentParser>().Parse(new MemoryStream("제1조(목적) 이 규정은 예시이다."u8.ToArray()), "a.txt", null);
        Assert.Single(provider.GetRequiredService<IChunker>().Chunk(parsed));
    }

    [Fact]
    public void All_five_statutes_parse_and_chunk_quickly()
    {
        string[] files = ["labor-standards-act.md", "labor-standards-decree.md", "equal-employment-act.md", "minimum-wage-act.md", "retirement-benefit-act.md"];
        Ingest.Chunk(Ingest.ParseFile(TestData.LaborLaw(files[3]))); // warm the tokenizer
        var watch = Stopwatch.StartNew();
        var counts = files.Select(f => (f, Ingest.Chunk(Ingest.ParseFile(TestData.LaborLaw(f))).Count)).ToList();
        watch.Stop();

        foreach (var (f, n) in counts) output.WriteLine($"{f}: {n} chunks");
        output.WriteLine($"parse+chunk all five: {watch.ElapsedMilliseconds} ms");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{watch.ElapsedMilliseconds} ms");
    }
}
