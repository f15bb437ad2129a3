using System.Buffers.Binary;
using System.Text;

namespace KnowledgeBase.OpenAiStub;

/// <summary>
/// Deterministic unit vectors by feature hashing of character unigrams and bigrams, so equal texts embed equally and
/// texts that share characters (Korean included) land near each other: good enough for retrieval tests.
/// </summary>
public static class StubEmbeddings
{
    public static float[] Embed(string text, int dimensions)
    {
        var vector = new float[dimensions];
        Fill(text, vector);
        return vector;
    }

    public static void Fill(string text, Span<float> vector)
    {
        vector.Clear();
        var normalized = text.Normalize(NormalizationForm.FormC).ToLowerInvariant();
        var previous = ' ';
        foreach (var c in normalized)
        {
            if (char.IsWhiteSpace(c))
            {
                previous = ' ';
                continue;
            }
            Add(vector, Hash(c, '\0'), 1f);
            if (previous != ' ') Add(vector, Hash(previous, c), 1.5f);
            previous = c;
        }

        var norm = 0d;
        foreach (var value in vector) norm += value * value;
        if (norm == 0)
        {
            vector[0] = 1f; // empty or blank text still gets a valid unit vector
            return;
        }
        var scale = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < vector.Length; i++) vector[i] *= scale;
    }

    /// <summary>The "base64" encoding of the embeddings API: float32 values, little-endian, back to back.</summary>
    public static void ToLittleEndianBytes(ReadOnlySpan<float> vector, Span<byte> destination)
    {
        for (var i = 0; i < vector.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(destination.Slice(i * sizeof(float), sizeof(float)), vector[i]);
    }

    private static void Add(Span<float> vector, ulong hash, float weight)
    {
        var index = (int)(hash % (ulong)vector.Length);
        vector[index] += (hash >> 63) == 0 ? weight : -weight;
    }

    // FNV-1a over the two chars: stable across processes, unlike string.GetHashCode.
    private static ulong Hash(char a, char b)
    {
        var hash = 14695981039346656037UL;
        hash = (hash ^ a) * 1099511628211UL;
        hash = (hash ^ b) * 1099511628211UL;
        hash ^= hash >> 29;
        hash *= 0xBF58476D1CE4E5B9UL;
        return hash ^ (hash >> 32);
    }
}
