using System.Numerics.Tensors;
using KnowledgeBase.Grains.Models;
using Microsoft.Extensions.AI;

namespace KnowledgeBase.Tests.Retrieval;

public class HashingEmbeddingGeneratorTests
{
    private static float Cosine(float[] a, float[] b) => TensorPrimitives.CosineSimilarity(a, b);

    [Fact]
    public async Task Same_text_gives_the_same_unit_vector_in_any_instance()
    {
        using var first = new HashingEmbeddingGenerator();
        using var second = new HashingEmbeddingGenerator();
        var a = await first.GenerateAsync(["연차 유급휴가는 며칠인가요?"]);
        var b = await second.GenerateAsync(["연차 유급휴가는 며칠인가요?"]);
        Assert.Equal(512, a[0].Vector.Length);
        Assert.True(a[0].Vector.Span.SequenceEqual(b[0].Vector.Span));
        Assert.Equal(1.0, TensorPrimitives.Norm(a[0].Vector.Span), 4);
        Assert.Equal(HashingEmbeddingGenerator.ModelId, first.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);
    }

    [Fact]
    public void Vectors_do_not_depend_on_the_process()
    {
        // Golden values: string.GetHashCode is randomized per process, FNV-1a is not. If this changes, every stored
        // index built with the offline embedder must be rebuilt.
        var vector = new HashingEmbeddingGenerator().Embed("임종석이 여의도 농민 폭력 시위를 주도");
        var nonZero = vector.Select((v, i) => (v, i)).Where(x => x.v != 0).Select(x => x.i).Take(5).ToArray();
        Assert.Equal(Golden, nonZero);
    }

    internal static readonly int[] Golden = [11, 31, 47, 67, 70];

    [Fact]
    public void Similar_Korean_sentences_are_closer_than_unrelated_ones()
    {
        var embedder = new HashingEmbeddingGenerator();
        var question = embedder.Embed("임종석이 여의도 농민 폭력 시위를 주도한 혐의로 지명수배된 날은?");
        var source = embedder.Embed("1989년 2월 15일 여의도 농민 폭력 시위를 주도한 혐의(폭력행위등처벌에관한법률위반)로 지명수배되었다.");
        var unrelated = embedder.Embed("사용자는 1년간 80퍼센트 이상 출근한 근로자에게 15일의 유급휴가를 주어야 한다.");
        Assert.True(Cosine(question, source) > Cosine(question, unrelated) + 0.1,
            $"related {Cosine(question, source):F3} vs unrelated {Cosine(question, unrelated):F3}");
    }

    [Fact]
    public void Particles_and_spacing_keep_words_close()
    {
        var embedder = new HashingEmbeddingGenerator();
        var a = embedder.Embed("임종석의 경력");
        var b = embedder.Embed("임종석이 경력을");
        var c = embedder.Embed("최저임금의 결정");
        Assert.True(Cosine(a, b) > 0.5 && Cosine(a, b) > Cosine(a, c) + 0.3, $"{Cosine(a, b):F3} vs {Cosine(a, c):F3}");
    }
}
