using System.Text;
using KnowledgeBase.Grains.Models;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>Packs the blocks of one section (same heading path, same page) into chunk texts within a token budget.</summary>
internal sealed class SectionPacker(ITokenCounter tokens, int budget, int overlap)
{
    /// <summary>A piece that is never cut further: a block, a table part, or one sentence of a long block.</summary>
    private sealed record Unit(string Text, string Joiner, bool IsTable, int Tokens);

    public List<string> Pack(IReadOnlyList<DocumentBlock> blocks)
    {
        var units = new List<Unit>();
        foreach (var block in blocks) AddUnits(units, block, first: units.Count == 0);
        if (units.Count == 0) return [];

        var chunks = Greedy(units);
        MergeSmallTail(chunks);
        return Render(chunks);
    }

    // Chunks after the first leave room for the overlap carried in from their predecessor.
    private int Limit(int chunkIndex) => chunkIndex == 0 ? budget : budget - overlap;

    private void AddUnits(List<Unit> units, DocumentBlock block, bool first)
    {
        var text = block.Text.Trim();
        var joiner = block.Kind == BlockKind.ListItem ? "\n" : "\n\n";
        var count = tokens.Count(text);
        // A record too long for one chunk splits like a table: its first line (the row's key) repeats in every part.
        var isTable = block.Kind is BlockKind.Table or BlockKind.Record;
        if (count <= budget - (isTable ? 0 : overlap) || (isTable && count <= budget))
        {
            units.Add(new Unit(text, joiner, isTable, count));
            return;
        }
        if (isTable)
        {
            foreach (var part in SplitTable(text)) units.Add(new Unit(part, "\n\n", true, tokens.Count(part)));
            return;
        }
        var pieceLimit = budget - overlap;
        var firstPiece = true;
        foreach (var sentence in SentenceSplitter.Split(text))
        foreach (var piece in HardSplit(sentence, pieceLimit))
        {
            units.Add(new Unit(piece, firstPiece ? joiner : " ", false, tokens.Count(piece)));
            firstPiece = false;
        }
    }

    /// <summary>Rows of a table too big for one chunk, grouped into parts that each repeat the header row.</summary>
    private IEnumerable<string> SplitTable(string table)
    {
        var rows = table.Split('\n');
        var header = rows[0];
        var headerTokens = tokens.Count(header);
        var repeatHeader = headerTokens < budget / 4;
        var part = new StringBuilder(repeatHeader ? header : string.Empty);
        var partHasRows = false;
        foreach (var row in rows.Skip(repeatHeader ? 1 : 0))
        {
            foreach (var piece in HardSplit(row, budget - (repeatHeader ? headerTokens + 1 : 0)))
            {
                var candidate = part.Length == 0 ? piece : part + "\n" + piece;
                if (partHasRows && tokens.Count(candidate) > budget)
                {
                    yield return part.ToString();
                    part.Clear();
                    if (repeatHeader) part.Append(header);
                    candidate = part.Length == 0 ? piece : part + "\n" + piece;
                }
                part.Clear().Append(candidate);
                partHasRows = true;
            }
        }
        if (partHasRows) yield return part.ToString();
    }

    /// <summary>Cuts text that has no sentence boundary inside the limit at whitespace, or at a character boundary as a last resort.</summary>
    private IEnumerable<string> HardSplit(string text, int limit)
    {
        var rest = text.Trim();
        while (rest.Length > 0)
        {
            if (tokens.Count(rest) <= limit) { yield return rest; yield break; }
            var prefix = tokens.Truncate(rest, limit);
            var cut = prefix.Length;
            var space = prefix.LastIndexOf(' ');
            if (space > prefix.Length / 3) cut = space;
            else if (cut > 0 && char.IsHighSurrogate(rest[cut - 1])) cut--;
            if (cut <= 0) cut = Math.Min(rest.Length, char.IsHighSurrogate(rest[0]) ? 2 : 1);
            yield return rest[..cut].Trim();
            rest = rest[cut..].Trim();
        }
    }

    private List<List<Unit>> Greedy(List<Unit> units)
    {
        var chunks = new List<List<Unit>> { new() };
        foreach (var unit in units)
        {
            var current = chunks[^1];
            if (current.Count > 0 && tokens.Count(Join(current.Append(unit))) > Limit(chunks.Count - 1))
            {
                current = [];
                chunks.Add(current);
            }
            current.Add(unit);
        }
        return chunks;
    }

    /// <summary>A tiny last chunk is merged into its neighbour, or balanced with it, instead of standing alone.</summary>
    private void MergeSmallTail(List<List<Unit>> chunks)
    {
        if (chunks.Count < 2) return;
        var minimum = Math.Max(budget / 6, 16);
        var last = chunks[^1];
        var previous = chunks[^2];
        if (last.Sum(u => u.Tokens) >= minimum) return;

        if (tokens.Count(Join(previous.Concat(last))) <= Limit(chunks.Count - 2))
        {
            previous.AddRange(last);
            chunks.RemoveAt(chunks.Count - 1);
            return;
        }
        while (previous.Count > 1 && last.Sum(u => u.Tokens) < minimum)
        {
            var moving = previous[^1];
            var candidate = new List<Unit> { moving };
            candidate.AddRange(last);
            if (tokens.Count(Join(candidate)) > Limit(chunks.Count - 1)) break;
            if (previous.Sum(u => u.Tokens) - moving.Tokens < candidate.Sum(u => u.Tokens)) break;
            previous.RemoveAt(previous.Count - 1);
            last.Insert(0, moving);
        }
    }

    private List<string> Render(List<List<Unit>> chunks)
    {
        var texts = new List<string>(chunks.Count);
        for (var i = 0; i < chunks.Count; i++)
        {
            var body = Join(chunks[i]);
            if (i > 0 && overlap > 0 && !chunks[i][0].IsTable && !chunks[i - 1][^1].IsTable)
            {
                var carried = Tail(Join(chunks[i - 1]), overlap);
                if (carried.Length > 0)
                {
                    var withOverlap = carried + (chunks[i][0].Joiner == " " ? " " : "\n\n") + body;
                    if (tokens.Count(withOverlap) <= budget) body = withOverlap;
                }
            }
            texts.Add(body);
        }
        return texts;
    }

    /// <summary>The last whole sentences of a chunk that fit the overlap; failing that, its last words.</summary>
    private string Tail(string text, int limit)
    {
        var sentences = SentenceSplitter.Split(text);
        var taken = new List<string>();
        var used = 0;
        for (var i = sentences.Count - 1; i >= 0; i--)
        {
            var n = tokens.Count(sentences[i]) + (taken.Count > 0 ? 1 : 0);
            if (used + n > limit) break;
            taken.Insert(0, sentences[i]);
            used += n;
        }
        if (taken.Count > 0) return string.Join(' ', taken);

        var last = sentences.Count > 0 ? sentences[^1] : text;
        var words = last.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var tail = string.Empty;
        for (var i = words.Length - 1; i > 0; i--)
        {
            var candidate = words[i] + (tail.Length > 0 ? " " + tail : string.Empty);
            if (tokens.Count(candidate) > limit) break;
            tail = candidate;
        }
        return tail;
    }

    private static string Join(IEnumerable<Unit> units)
    {
        var sb = new StringBuilder();
        foreach (var unit in units)
        {
            if (sb.Length > 0) sb.Append(unit.Joiner);
            sb.Append(unit.Text);
        }
        return sb.ToString();
    }
}
