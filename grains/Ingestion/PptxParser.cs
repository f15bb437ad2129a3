using DocumentFormat.OpenXml.Packaging;
using A = DocumentFormat.OpenXml.Drawing;
using P = DocumentFormat.OpenXml.Presentation;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>PPTX via the OpenXml SDK: each slide a heading (its title, or "슬라이드 N") with its text, tables (as records, <see cref="TableRecords"/>) and notes; Page is the slide number.</summary>
public static class PptxParser
{
    public static ParsedDocument Parse(byte[] bytes, string fileName)
    {
        using var presentation = PresentationDocument.Open(new MemoryStream(bytes, writable: false), false);
        var part = presentation.PresentationPart ?? throw DocumentRejections.Corrupt("PPTX");
        var slideIds = part.Presentation?.SlideIdList?.Elements<P.SlideId>().ToList() ?? [];

        var blocks = new List<DocumentBlock>();
        var number = 0;
        foreach (var slideId in slideIds)
        {
            number++;
            if (slideId.RelationshipId?.Value is not { } rel || part.GetPartById(rel) is not SlidePart slidePart || slidePart.Slide is null) continue;

            string? title = null;
            var content = new List<DocumentBlock>();
            foreach (var element in slidePart.Slide.Descendants())
            {
                if (element is P.Shape shape)
                {
                    var placeholder = shape.NonVisualShapeProperties?.ApplicationNonVisualDrawingProperties?.PlaceholderShape?.Type?.Value;
                    var paragraphs = shape.TextBody?.Elements<A.Paragraph>().Select(p => TextNormalizer.Inline(string.Concat(p.Descendants<A.Text>().Select(t => t.Text))))
                        .Where(t => t.Length > 0).ToList() ?? [];
                    if (paragraphs.Count == 0) continue;
                    if (title is null && (placeholder == P.PlaceholderValues.Title || placeholder == P.PlaceholderValues.CenteredTitle))
                    {
                        title = string.Join(' ', paragraphs);
                        continue;
                    }
                    content.AddRange(paragraphs.Select(t => new DocumentBlock(BlockKind.Paragraph, t, number)));
                }
                else if (element is A.Table table)
                {
                    content.AddRange(TableRecords.Blocks(Grid(table), caption: null, number));
                }
            }

            var notes = slidePart.NotesSlidePart?.NotesSlide?.Descendants<P.Shape>()
                .Where(s => s.NonVisualShapeProperties?.ApplicationNonVisualDrawingProperties?.PlaceholderShape?.Type?.Value == P.PlaceholderValues.Body)
                .SelectMany(s => s.TextBody?.Elements<A.Paragraph>() ?? [])
                .Select(p => TextNormalizer.Inline(string.Concat(p.Descendants<A.Text>().Select(t => t.Text))))
                .Where(t => t.Length > 0).ToList() ?? [];
            if (notes.Count > 0) content.Add(new DocumentBlock(BlockKind.Paragraph, "발표자 노트: " + string.Join(' ', notes), number));

            blocks.Add(new DocumentBlock(BlockKind.Heading, title ?? $"슬라이드 {number}", number, 1));
            blocks.AddRange(content);
        }

        var docTitle = TextNormalizer.Inline(presentation.PackageProperties.Title);
        if (docTitle.Length == 0) docTitle = blocks.FirstOrDefault(b => b.Kind == BlockKind.Heading && !b.Text.StartsWith("슬라이드 "))?.Text ?? PlainTextParser.TitleFromFileName(fileName);
        return new ParsedDocument(docTitle, "pptx", blocks, slideIds.Count);
    }

    /// <summary>The table as rows of cell texts; a cell covered by a merge (hMerge / vMerge) repeats the merged text.</summary>
    private static List<IReadOnlyList<string>> Grid(A.Table table)
    {
        var grid = new List<IReadOnlyList<string>>();
        foreach (var row in table.Elements<A.TableRow>())
        {
            var cells = new List<string>();
            foreach (var cell in row.Elements<A.TableCell>())
            {
                var text = TextNormalizer.Inline(string.Join(' ', cell.Descendants<A.Paragraph>().Select(p => string.Concat(p.Descendants<A.Text>().Select(t => t.Text)))));
                if (text.Length == 0 && cell.HorizontalMerge?.Value == true && cells.Count > 0) text = cells[^1];
                else if (text.Length == 0 && cell.VerticalMerge?.Value == true && grid.Count > 0 && cells.Count < grid[^1].Count) text = grid[^1][cells.Count];
                cells.Add(text);
            }
            grid.Add(cells);
        }
        return grid;
    }
}
