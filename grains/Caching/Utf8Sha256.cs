using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace KnowledgeBase.Grains.Caching;

/// <summary>SHA-256 over the UTF-8 of text appended piece by piece, encoded through one pooled buffer: a cache key over
/// a ~10 KB prompt or a chunk's text then copies nothing into new strings or arrays. The digest equals that of the
/// UTF-8 of the concatenated text.</summary>
internal sealed class Utf8Sha256 : IDisposable
{
    private const int PieceChars = 1024;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(PieceChars));

    public Utf8Sha256 Append(ReadOnlySpan<char> text)
    {
        while (text.Length > 0)
        {
            // Never split a surrogate pair between pieces: each piece must encode as it would inside the whole text.
            var take = Math.Min(text.Length, PieceChars);
            if (take < text.Length && char.IsHighSurrogate(text[take - 1])) take--;
            var written = Encoding.UTF8.GetBytes(text[..take], _buffer);
            _hash.AppendData(_buffer, 0, written);
            text = text[take..];
        }
        return this;
    }

    /// <summary>The prefix followed by the digest in lower-case hex.</summary>
    public string Key(string prefix) => prefix + Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose()
    {
        _hash.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }
}
