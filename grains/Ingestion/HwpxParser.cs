using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>HWPX (Hangul OWPML): zipped XML; sections in spine order, paragraphs hp:p / hp:t, tables hp:tbl (as records), outline styles (개요 N) as headings.</summary>
public static partial class HwpxParser
{
    public static readonly XNamespace Paragraph = "http://www.hancom.co.kr/hwpml/2011/paragraph";
    public static readonly XNamespace Head = "http://www.hancom.co.kr/hwpml/2011/head";
    private static readonly XNamespace Opf = "http://www.idpf.org/2007/opf/";

    public static bool IsHwpx(ZipArchive archive)
    {
        var mimetype = SafeZip.Find(archive, "mimetype");
        if (mimetype is not null && SafeZip.ReadText(mimetype).Trim() == "application/hwp+zip") return true;
        return archive.Entries.Any(e => SectionName().IsMatch(e.FullName));
    }

    public static ParsedDocument Parse(ZipArchive archive, string fileName)
    {
        var styles = HeadingStyles(archive);
        var blocks = new List<DocumentBlock>();
        string? title = null;
        foreach (var entry in SectionsInOrder(archive, out var metadataTitle))
        {
            title ??= metadataTitle;
            var section = LoadXml(entry);
            if (section.Root is not null) Walk(section.Root, styles, blocks);
        }
        title = TextNormalizer.Inline(title);
        if (title.Length == 0) title = blocks.FirstOrDefault(b => b.Kind == BlockKind.Heading)?.Text ?? PlainTextParser.TitleFromFileName(fileName);
        return new ParsedDocument(title, "hwpx", blocks);
    }

    private static void Walk(XElement element, Dictionary<string, int> styles, List<DocumentBlock> blocks)
    {
        foreach (var child in element.Elements())
        {
            if (child.Name == Paragraph + "tbl") { AddTable(child, blocks); continue; }
            if (child.Name != Paragraph + "p") { Walk(child, styles, blocks); continue; }

            AddParagraph(child, styles, blocks);
            // Tables sit inside a paragraph's run; they follow the paragraph's own text.
            foreach (var table in child.Descendants(Paragraph + "tbl").Where(t => !IsInsideTableWithin(t, child)))
                AddTable(table, blocks);
        }
    }

    private static void AddParagraph(XElement paragraph, Dictionary<string, int> styles, List<DocumentBlock> blocks)
    {
        var text = TextNormalizer.Inline(OwnText(paragraph));
        if (text.Length == 0) return;
        var styleId = (string?)paragraph.Attribute("styleIDRef");
        if (styleId is not null && styles.TryGetValue(styleId, out var level) && text.Length <= 200)
        {
            blocks.Add(new DocumentBlock(BlockKind.Heading, text, Level: level));
            return;
        }
        if (KoreanStructure.TryMatchHeading(text, out var statute))
        {
            blocks.Add(new DocumentBlock(BlockKind.Heading, statute.Heading, Level: statute.Level));
            if (statute.Rest.Length > 0) blocks.Add(new DocumentBlock(BlockKind.Paragraph, statute.Rest));
            return;
        }
        blocks.Add(new DocumentBlock(BlockKind.Paragraph, text));
    }

    private static void AddTable(XElement table, List<DocumentBlock> blocks)
    {
        var rows = table.Elements(Paragraph + "tr")
            .Select(tr => (IReadOnlyList<string>)tr.Elements(Paragraph + "tc").Select(tc => TextNormalizer.Inline(string.Join(' ', tc.Descendants(Paragraph + "p").Select(OwnText)))).ToList())
            .ToList();
        blocks.AddRange(TableRecords.Blocks(rows, caption: null));
    }

    private static bool IsInsideTableWithin(XElement node, XElement container) =>
        node.Ancestors().TakeWhile(a => a != container).Any(a => a.Name == Paragraph + "tbl");

    // The text of a paragraph without the text of tables nested in it.
    private static string OwnText(XElement paragraph)
    {
        var sb = new StringBuilder();
        foreach (var t in paragraph.Descendants(Paragraph + "t"))
        {
            if (IsInsideTableWithin(t, paragraph)) continue;
            foreach (var node in t.Nodes())
            {
                if (node is XText text) sb.Append(text.Value);
                else if (node is XElement e && (e.Name.LocalName is "tab" or "lineBreak")) sb.Append(' ');
            }
        }
        return sb.ToString();
    }

    private static IEnumerable<ZipArchiveEntry> SectionsInOrder(ZipArchive archive, out string? title)
    {
        title = null;
        var ordered = new List<ZipArchiveEntry>();
        var manifest = SafeZip.Find(archive, "Contents/content.hpf");
        if (manifest is not null)
        {
            var opf = LoadXml(manifest);
            title = opf.Descendants().FirstOrDefault(e => e.Name.LocalName == "title")?.Value;
            var items = opf.Descendants().Where(e => e.Name.LocalName == "item")
                .Select(e => (Id: (string?)e.Attribute("id"), Href: (string?)e.Attribute("href")))
                .Where(i => i.Id is not null && i.Href is not null)
                .GroupBy(i => i.Id!).ToDictionary(g => g.Key, g => g.First().Href!);
            foreach (var idref in opf.Descendants().Where(e => e.Name.LocalName == "itemref").Select(e => (string?)e.Attribute("idref")))
            {
                if (idref is null || !items.TryGetValue(idref, out var href)) continue;
                var entry = SafeZip.Find(archive, href) ?? SafeZip.Find(archive, "Contents/" + href);
                if (entry is not null && SectionName().IsMatch(entry.FullName) && !ordered.Contains(entry)) ordered.Add(entry);
            }
        }
        if (ordered.Count == 0)
            ordered = archive.Entries.Where(e => SectionName().IsMatch(e.FullName))
                .OrderBy(e => int.Parse(SectionName().Match(e.FullName).Groups[1].Value)).ToList();
        return ordered;
    }

    /// <summary>Outline styles ("개요 1".., "Outline 1"..) from Contents/header.xml, by style id.</summary>
    private static Dictionary<string, int> HeadingStyles(ZipArchive archive)
    {
        var result = new Dictionary<string, int>();
        var header = SafeZip.Find(archive, "Contents/header.xml");
        if (header is null) return result;
        foreach (var style in LoadXml(header).Descendants(Head + "style"))
        {
            var id = (string?)style.Attribute("id");
            var m = OutlineName().Match((string?)style.Attribute("name") ?? string.Empty);
            if (id is not null && m.Success) result[id] = int.Parse(m.Groups[1].Value);
        }
        return result;
    }

    private static XDocument LoadXml(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        return XDocument.Load(reader);
    }

    [GeneratedRegex(@"^/?Contents/section(\d+)\.xml$", RegexOptions.IgnoreCase)]
    private static partial Regex SectionName();

    [GeneratedRegex(@"^(?:개요|Outline)\s*(\d)$", RegexOptions.IgnoreCase)]
    private static partial Regex OutlineName();
}
