using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Models;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>
/// Cuts a parsed document along its structure: one chunk per section (a statute article fits whole), long sections split at
/// paragraph, list item and sentence boundaries with overlap, tables kept whole where they fit, a table row written as a
/// record one chunk under "section > caption > row key", pages never mixed.
/// </summary>
public sealed class StructuredChunker(ITokenCounter tokens, IOptions<KnowledgeBaseOptions> options) : IChunker
{
    private const string SectionSeparator = " > ";

    public IReadOnlyList<ChunkDraft> Chunk(ParsedDocument document)
    {
        var budget = Math.Max(32, options.Value.ChunkTokens);
        var overlap = Math.Clamp(options.Value.ChunkOverlapTokens, 0, budget / 3);
        var packer = new SectionPacker(tokens, budget, overlap);

        var result = new List<ChunkDraft>();
        var headings = new List<(int Level, string Label)>();
        var group = new List<DocumentBlock>();
        var section = document.Title;
        int? page = null;

        void Flush()
        {
            if (group.Count == 0) return;
            foreach (var text in packer.Pack(group))
                result.Add(new ChunkDraft(result.Count, text, section, page, tokens.Count(text)));
            group.Clear();
        }

        foreach (var block in document.Blocks)
        {
            if (string.IsNullOrWhiteSpace(block.Text)) continue;
            if (block.Kind == BlockKind.Heading)
            {
                Flush();
                var level = Math.Max(1, block.Level);
                headings.RemoveAll(h => h.Level >= level);
                var label = KoreanStructure.WithoutAmendmentNotes(block.Text);
                headings.Add((level, label.Length > 0 ? label : block.Text.Trim()));
                section = string.Join(SectionSeparator, headings.Select(h => h.Label));
                continue;
            }
            if (block.Kind == BlockKind.Record)
            {
                // A table row is a chunk of its own, named below the heading it sits under; the next block is back in that section.
                Flush();
                var sectionOfTable = section;
                section = string.IsNullOrWhiteSpace(block.Label) ? section : section + SectionSeparator + block.Label.Trim();
                page = block.Page;
                group.Add(block);
                Flush();
                section = sectionOfTable;
                continue;
            }
            if (group.Count > 0 && block.Page != page) Flush();
            page = block.Page;
            group.Add(block);
        }
        Flush();
        return result;
    }
}
