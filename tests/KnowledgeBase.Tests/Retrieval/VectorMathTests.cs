using KnowledgeBase.Grains.Retrieval;

namespace KnowledgeBase.Tests.Retrieval;

public sealed class VectorMathTests
{
    [Theory]
    [InlineData(7)]
    [InlineData(32)]
    [InlineData(45)]
    [InlineData(512)]
    [InlineData(1536)]
    public void Int8_dot_product_equals_the_plain_sum_of_products_at_every_length(int length)
    {
        var random = new Random(length);
        var a = new sbyte[length];
        var b = new sbyte[length];
        for (var i = 0; i < length; i++)
        {
            a[i] = (sbyte)random.Next(-127, 128);
            b[i] = (sbyte)random.Next(-127, 128);
        }
        // The extremes too: 127 * 127 summed over many dimensions must not overflow a short lane.
        a[0] = b[0] = 127;
        a[^1] = -127;
        b[^1] = 127;

        var expected = 0;
        for (var i = 0; i < length; i++) expected += a[i] * b[i];

        Assert.Equal(expected, VectorMath.Dot(a, b));
    }

    [Fact]
    public void Quantized_vectors_keep_the_cosine_order_of_the_originals()
    {
        var random = new Random(7);
        float[] Unit()
        {
            var v = new float[512];
            for (var i = 0; i < v.Length; i++) v[i] = (float)(random.NextDouble() * 2 - 1);
            var norm = VectorMath.Norm(v);
            return v.Select(x => x / norm).ToArray();
        }
        var query = Unit();
        var near = query.Select((x, i) => x + (i % 5 == 0 ? 0.05f : 0f)).ToArray();
        var far = Unit();
        var (q, n, f) = (new sbyte[512], new sbyte[512], new sbyte[512]);
        var qs = VectorMath.Quantize(query, q);
        var ns = VectorMath.Quantize(near, n);
        var fs = VectorMath.Quantize(far, f);

        Assert.True(VectorMath.Dot(q, n) * qs * ns > VectorMath.Dot(q, f) * qs * fs);
    }
}

public sealed class VectorIndexScanTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "kb-vec-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void A_large_index_searched_through_sign_bits_first_finds_the_same_best_chunks_as_a_full_sort()
    {
        // 420 documents x 100 chunks: above the size where a coarse pass over sign bits picks the chunks to score.
        const int dimensions = 256, documents = 420, chunksPerDocument = 100;
        var random = new Random(42);
        var all = new List<(string ChunkId, float[] Vector)>();
        using var index = new VectorIndex(_dir);
        var entries = new List<KeyValuePair<string, VectorIndex.Entry?>>();
        for (var d = 0; d < documents; d++)
        {
            var chunks = new List<IndexedChunk>();
            for (var c = 0; c < chunksPerDocument; c++)
            {
                var v = new float[dimensions];
                for (var i = 0; i < dimensions; i++) v[i] = (float)(random.NextDouble() * 2 - 1);
                var id = $"d{d}_{c}";
                all.Add((id, v));
                chunks.Add(new IndexedChunk(id, $"d{d}", "f.txt", "t", "", null, "x", [], v));
            }
            entries.Add(new($"d{d}", VectorIndex.Prepare($"d{d}", chunks)));
        }
        index.Apply(entries);
        Assert.Equal(documents * chunksPerDocument, index.ChunkCount);

        foreach (var target in new[] { 5, all.Count / 2 + 3, all.Count - 2 })
        {
            var query = all[target].Vector;
            var expected = all
                .Select(x => (x.ChunkId, Score: Cosine(query, x.Vector)))
                .OrderByDescending(x => x.Score).Take(10).Select(x => x.ChunkId).ToList();

            var found = index.Search(query, null, null, 10);

            Assert.Equal(all[target].ChunkId, found[0].ChunkId);
            Assert.True(found.Zip(found.Skip(1)).All(p => p.First.Score >= p.Second.Score), "results are best first");
            // int8 quantization may swap near-ties, but the best ten are (nearly) the same set.
            Assert.True(expected.Intersect(found.Select(f => f.ChunkId)).Count() >= 8);
        }

        // A document added or removed after searches have run is seen by the next search.
        var added = new float[dimensions];
        for (var i = 0; i < dimensions; i++) added[i] = (float)(random.NextDouble() * 2 - 1);
        index.Apply([new("d_new", VectorIndex.Prepare("d_new", [new IndexedChunk("d_new_0", "d_new", "f.txt", "t", "", null, "x", [], added)]))]);
        Assert.Equal("d_new_0", index.Search(added, null, null, 5)[0].ChunkId);
        index.Apply([new("d_new", null)]);
        Assert.DoesNotContain(index.Search(added, null, null, 5), h => h.DocumentId == "d_new");
    }

    private static float Cosine(float[] a, float[] b)
    {
        float dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return dot / MathF.Sqrt(na * nb);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
