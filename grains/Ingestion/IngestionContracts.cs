namespace KnowledgeBase.Grains.Ingestion;

/// <summary>Record: one table row written as "column header: value" lines, chunked alone under its label.</summary>
public enum BlockKind { Heading, Paragraph, ListItem, Table, Record }

/// <summary>One structural piece of a parsed document, in reading order.</summary>
/// <param name="Level">Heading depth (1 = top) for headings; 0 otherwise.</param>
/// <param name="Label">For a record, where it sits below the current heading ("표 1. 휴가의 종류와 일수 > 병가").</param>
public sealed record DocumentBlock(BlockKind Kind, string Text, int? Page = null, int Level = 0, string? Label = null);

public sealed record ParsedDocument(string Title, string Format, IReadOnlyList<DocumentBlock> Blocks, int? PageCount = null);

/// <summary>A chunk before embedding: text, where it sits (section path, page) and its size in model tokens.</summary>
public sealed record ChunkDraft(int Index, string Text, string Section, int? Page, int TokenCount);

/// <summary>Turns file bytes into structure; detects the real type from content. Throws <see cref="DocumentRejectedException"/>.</summary>
public interface IDocumentParser
{
    ParsedDocument Parse(Stream content, string fileName, string? declaredContentType);
}

/// <summary>Cuts a parsed document into token-sized, structure-following chunks.</summary>
public interface IChunker
{
    IReadOnlyList<ChunkDraft> Chunk(ParsedDocument document);
}

/// <summary>A file the pipeline refuses, with a stable code (unsupported_type, empty_file, corrupt_file,
/// encrypted_file, too_large, zip_bomb, no_text) and a message a person can act on.</summary>
public sealed class DocumentRejectedException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
