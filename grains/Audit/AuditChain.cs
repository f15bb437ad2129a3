using System.Security.Cryptography;
using System.Text.Json;

namespace KnowledgeBase.Grains.Audit;

/// <summary>How an entry's hash is made: SHA-256 over a JSON array of every stored field, in a fixed order, with the
/// previous entry's hash inside it. JSON escaping makes the encoding unambiguous (no field can pose as two).</summary>
public static class AuditChain
{
    /// <summary>The "previous hash" of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    public static string HashOf(long sequence, long occurredAtMs, AuditEvent e, string previousHash)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteNumberValue(sequence);
            json.WriteNumberValue(occurredAtMs);
            json.WriteStringValue(e.ActorId);
            json.WriteStringValue(e.ActorEmail);
            json.WriteStringValue(e.Address);
            json.WriteStringValue(e.Action);
            json.WriteStringValue(e.Target);
            json.WriteStringValue(e.Detail);
            json.WriteStringValue(previousHash);
            json.WriteEndArray();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    public static string HashOf(AuditEntry entry)
        => HashOf(entry.Sequence, entry.OccurredAt.ToUnixTimeMilliseconds(), EventOf(entry), entry.PreviousHash);

    public static AuditEvent EventOf(AuditEntry entry)
        => new(entry.ActorId, entry.ActorEmail, entry.Address, entry.Action, entry.Target, entry.Detail);

    /// <summary>Checks entries in sequence order, continuing from <paramref name="previous"/> (null before the first).
    /// Returns the first that does not fit, with the reason, or null.</summary>
    public static (AuditEntry Entry, string Reason)? FirstBroken(AuditEntry? previous, IEnumerable<AuditEntry> entries)
    {
        foreach (var entry in entries)
        {
            var expectedSequence = previous is null ? 1 : previous.Sequence + 1;
            var expectedPrevious = previous?.Hash ?? Genesis;
            if (entry.Sequence != expectedSequence)
                return (entry, $"sequence_gap: expected entry {expectedSequence}, found {entry.Sequence} (entries removed)");
            if (entry.PreviousHash != expectedPrevious)
                return (entry, "chain_broken: its previous-hash does not match the entry before it");
            if (HashOf(entry) != entry.Hash)
                return (entry, "hash_mismatch: the entry was changed after it was written");
            previous = entry;
        }
        return null;
    }

    /// <summary>Keeps stored fields within their column sizes; an over-long value is cut, never refused.</summary>
    public static AuditEvent Bounded(AuditEvent e) => new(
        Cut(e.ActorId, 200), Cut(e.ActorEmail, 320), Cut(e.Address, 64), Cut(e.Action, 100), Cut(e.Target, 500), Cut(e.Detail, 2000));

    private static string Cut(string? value, int max) => value is null ? "" : value.Length <= max ? value : value[..max];
}
