using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using A = DocumentFormat.OpenXml.Drawing;
using P = DocumentFormat.OpenXml.Presentation;
using S = DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace KnowledgeBase.Tests.Ingestion;

/// <summary>Builds real documents of every supported format (and some hostile ones) in memory.</summary>
internal static class SampleFiles
{
    public static byte[] Docx()
    {
        var ms = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(ms, WordprocessingDocumentType.Document))
        {
            var main = doc.AddMainDocumentPart();
            var styles = main.AddNewPart<StyleDefinitionsPart>();
            styles.Styles = new W.Styles(
                HeadingStyle("Heading1", "heading 1", 0),
                HeadingStyle("2", "제목 2", null),
                new W.Style(new W.StyleName { Val = "List Paragraph" }) { StyleId = "ListParagraph", Type = W.StyleValues.Paragraph });
            main.Document = new W.Document(new W.Body(
                Para("휴가 규정", "Heading1"),
                Para("이 규정은 임직원의 휴가를 정한다."),
                Para("연차 휴가", "2"),
                Para("입사 1년 후 15일의 연차가 생긴다."),
                Para("연차는 반차로 나누어 쓸 수 있다.", "ListParagraph"),
                new W.Table(
                    Row("구분", "일수"),
                    Row("연차", "15일"),
                    Row("경조사", "5일")),
                Para("제5조(병가) 병가는 연 60일까지 쓸 수 있다.")));
            doc.PackageProperties.Title = "수산 휴가 규정";
        }
        return ms.ToArray();

        static W.Style HeadingStyle(string id, string name, int? outline)
        {
            var style = new W.Style(new W.StyleName { Val = name }) { StyleId = id, Type = W.StyleValues.Paragraph };
            if (outline is int o) style.Append(new W.StyleParagraphProperties(new W.OutlineLevel { Val = o }));
            return style;
        }

        static W.Paragraph Para(string text, string? style = null)
        {
            var p = new W.Paragraph(new W.Run(new W.Text(text)));
            if (style is not null) p.PrependChild(new W.ParagraphProperties(new W.ParagraphStyleId { Val = style }));
            return p;
        }

        static W.TableRow Row(params string[] cells) =>
            new(cells.Select(c => new W.TableCell(new W.Paragraph(new W.Run(new W.Text(c))))));
    }

    public static byte[] Xlsx()
    {
        var ms = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(ms, SpreadsheetDocumentType.Workbook))
        {
            var wb = doc.AddWorkbookPart();
            wb.Workbook = new S.Workbook();
            var strings = wb.AddNewPart<SharedStringTablePart>();
            strings.SharedStringTable = new S.SharedStringTable(
                new S.SharedStringItem(new S.Text("이름")), new S.SharedStringItem(new S.Text("부서")), new S.SharedStringItem(new S.Text("잔여 연차")),
                new S.SharedStringItem(new S.Text("김철수")), new S.SharedStringItem(new S.Text("인사팀")));
            var sheets = wb.Workbook.AppendChild(new S.Sheets());
            AddSheet(wb, sheets, 1, "연차 현황", new S.SheetData(
                new S.Row(Shared("A1", 0), Shared("B1", 1), Shared("C1", 2)) { RowIndex = 1 },
                new S.Row(Shared("A2", 3), Shared("B2", 4), new S.Cell { CellReference = "C2", CellValue = new S.CellValue("12") }) { RowIndex = 2 },
                new S.Row(new S.Cell { CellReference = "A3", DataType = S.CellValues.InlineString, InlineString = new S.InlineString(new S.Text("이영희")) },
                    new S.Cell { CellReference = "C3", CellValue = new S.CellValue("7") }) { RowIndex = 3 }));
            AddSheet(wb, sheets, 2, "비고", new S.SheetData(
                new S.Row(new S.Cell { CellReference = "A1", DataType = S.CellValues.InlineString, InlineString = new S.InlineString(new S.Text("연차는 매년 1월 1일에 갱신됩니다.")) }) { RowIndex = 1 }));
        }
        return ms.ToArray();

        static S.Cell Shared(string reference, int index) => new() { CellReference = reference, DataType = S.CellValues.SharedString, CellValue = new S.CellValue(index.ToString()) };

        static void AddSheet(WorkbookPart wb, S.Sheets sheets, uint id, string name, S.SheetData data)
        {
            var part = wb.AddNewPart<WorksheetPart>();
            part.Worksheet = new S.Worksheet(data);
            sheets.Append(new S.Sheet { Id = wb.GetIdOfPart(part), SheetId = id, Name = name });
        }
    }

    public static byte[] Pptx()
    {
        var ms = new MemoryStream();
        using (var doc = PresentationDocument.Create(ms, PresentationDocumentType.Presentation))
        {
            var pres = doc.AddPresentationPart();
            pres.Presentation = new P.Presentation(new P.SlideIdList(), new P.SlideSize { Cx = 9144000, Cy = 6858000 }, new P.NotesSize { Cx = 6858000, Cy = 9144000 });
            AddSlide(pres, 256, "2025년 복지 제도 안내", ["건강검진은 매년 한 번 지원합니다.", "자기계발비는 연 100만원입니다."]);
            AddSlide(pres, 257, null, ["문의: 인사팀 내선 1234"]);
        }
        return ms.ToArray();

        static void AddSlide(PresentationPart pres, uint id, string? title, string[] lines)
        {
            var slidePart = pres.AddNewPart<SlidePart>();
            var tree = new P.ShapeTree(
                new P.NonVisualGroupShapeProperties(new P.NonVisualDrawingProperties { Id = 1, Name = "" }, new P.NonVisualGroupShapeDrawingProperties(), new P.ApplicationNonVisualDrawingProperties()),
                new P.GroupShapeProperties());
            if (title is not null) tree.Append(Shape(2, P.PlaceholderValues.Title, [title]));
            tree.Append(Shape(3, P.PlaceholderValues.Body, lines));
            slidePart.Slide = new P.Slide(new P.CommonSlideData(tree));
            pres.Presentation.SlideIdList!.Append(new P.SlideId { Id = id, RelationshipId = pres.GetIdOfPart(slidePart) });
        }

        static P.Shape Shape(uint id, P.PlaceholderValues type, string[] lines) => new(
            new P.NonVisualShapeProperties(new P.NonVisualDrawingProperties { Id = id, Name = "s" + id }, new P.NonVisualShapeDrawingProperties(),
                new P.ApplicationNonVisualDrawingProperties(new P.PlaceholderShape { Type = type })),
            new P.ShapeProperties(),
            new P.TextBody(new OpenXmlElement[] { new A.BodyProperties(), new A.ListStyle() }.Concat(lines.Select(l => new A.Paragraph(new A.Run(new A.Text(l)))))));
    }

    public const string HwpxSection = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <hs:sec xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph">
          <hp:p id="1" paraPrIDRef="0" styleIDRef="2"><hp:run charPrIDRef="0"><hp:t>출장 규정</hp:t></hp:run></hp:p>
          <hp:p id="2" paraPrIDRef="0" styleIDRef="0"><hp:run charPrIDRef="0"><hp:t>제1조(목적) 이 규정은 국내외 </hp:t></hp:run><hp:run charPrIDRef="1"><hp:t>출장에 필요한 사항을 정한다.</hp:t></hp:run></hp:p>
          <hp:p id="3" paraPrIDRef="0" styleIDRef="0"><hp:run charPrIDRef="0"><hp:t>제2조(출장비) 출장비는 아래 표에 따른다.</hp:t></hp:run></hp:p>
          <hp:p id="4" paraPrIDRef="0" styleIDRef="0"><hp:run charPrIDRef="0">
            <hp:tbl rowCnt="2" colCnt="2">
              <hp:tr><hp:tc><hp:subList><hp:p><hp:run><hp:t>구분</hp:t></hp:run></hp:p></hp:subList></hp:tc><hp:tc><hp:subList><hp:p><hp:run><hp:t>일비</hp:t></hp:run></hp:p></hp:subList></hp:tc></hp:tr>
              <hp:tr><hp:tc><hp:subList><hp:p><hp:run><hp:t>국내</hp:t></hp:run></hp:p></hp:subList></hp:tc><hp:tc><hp:subList><hp:p><hp:run><hp:t>3만원</hp:t></hp:run></hp:p></hp:subList></hp:tc></hp:tr>
            </hp:tbl></hp:run></hp:p>
        </hs:sec>
        """;

    public const string HwpxSection1 = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <hs:sec xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph">
          <hp:p id="1" styleIDRef="0"><hp:run><hp:t>부칙 이 규정은 2025년 1월 1일부터 시행한다.</hp:t></hp:run></hp:p>
        </hs:sec>
        """;

    public static byte[] Hwpx(bool withSpine = true) => Zip(z =>
    {
        // The mimetype entry comes first and is stored, as in files written by Hangul.
        Add(z, "mimetype", "application/hwp+zip", CompressionLevel.NoCompression);
        Add(z, "version.xml", """<?xml version="1.0" encoding="UTF-8"?><hv:HCFVersion xmlns:hv="http://www.hancom.co.kr/hwpml/2011/version" tagetApplication="WORDPROCESSOR" major="5" minor="1" micro="0" buildNumber="1" os="1" xmlVersion="1.4" application="Hancom Office Hangul" appVersion="12, 0, 0, 0"/>""");
        Add(z, "Contents/header.xml", """<?xml version="1.0" encoding="UTF-8"?><hh:head xmlns:hh="http://www.hancom.co.kr/hwpml/2011/head" version="1.4" secCnt="2"><hh:refList><hh:styles itemCnt="3"><hh:style id="0" type="PARA" name="바탕글" engName="Normal"/><hh:style id="1" type="PARA" name="본문" engName="Body"/><hh:style id="2" type="PARA" name="개요 1" engName="Outline 1"/></hh:styles></hh:refList></hh:head>""");
        Add(z, "Contents/content.hpf", withSpine
            ? """<?xml version="1.0" encoding="UTF-8"?><opf:package xmlns:opf="http://www.idpf.org/2007/opf/" version="" unique-identifier="" id=""><opf:metadata><opf:title>출장 규정 2025</opf:title></opf:metadata><opf:manifest><opf:item id="header" href="Contents/header.xml" media-type="application/xml"/><opf:item id="section0" href="Contents/section0.xml" media-type="application/xml"/><opf:item id="section1" href="Contents/section1.xml" media-type="application/xml"/></opf:manifest><opf:spine><opf:itemref idref="header" linear="yes"/><opf:itemref idref="section0" linear="yes"/><opf:itemref idref="section1" linear="yes"/></opf:spine></opf:package>"""
            : """<?xml version="1.0" encoding="UTF-8"?><opf:package xmlns:opf="http://www.idpf.org/2007/opf/"><opf:metadata/></opf:package>""");
        // Written out of order on purpose: the spine, not the zip order, decides reading order.
        Add(z, "Contents/section1.xml", HwpxSection1);
        Add(z, "Contents/section0.xml", HwpxSection);
    });

    public static byte[] Zip(Action<ZipArchive> fill)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true)) fill(zip);
        return ms.ToArray();
    }

    public static void Add(ZipArchive zip, string name, string content, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var w = new StreamWriter(zip.CreateEntry(name, level).Open(), new UTF8Encoding(false));
        w.Write(content);
    }

    /// <summary>A DOCX-looking zip whose one entry inflates to <paramref name="zeroBytes"/> zeros, written to a temp file so memory stays small.</summary>
    public static byte[] ZipBomb(long zeroBytes)
    {
        var path = Path.GetTempFileName();
        try
        {
            using (var file = File.Create(path))
            using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
            {
                Add(zip, "[Content_Types].xml", "<Types/>");
                using var entry = zip.CreateEntry("word/document.xml", CompressionLevel.SmallestSize).Open();
                var zeros = new byte[1 << 20];
                for (long written = 0; written < zeroBytes; written += zeros.Length) entry.Write(zeros, 0, (int)Math.Min(zeros.Length, zeroBytes - written));
            }
            return File.ReadAllBytes(path);
        }
        finally { File.Delete(path); }
    }

    /// <summary>Rewrites the uncompressed size of <paramref name="entryName"/> in both the local header and the central directory.</summary>
    public static byte[] WithDeclaredSize(byte[] zip, string entryName, uint declared)
    {
        var bytes = (byte[])zip.Clone();
        var name = Encoding.UTF8.GetBytes(entryName);
        for (var i = 0; i + 46 < bytes.Length; i++)
        {
            var sig = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i));
            if (sig == 0x04034b50 && bytes.AsSpan(i + 30, name.Length).SequenceEqual(name) && BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i + 26)) == name.Length)
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 22), declared);
            if (sig == 0x02014b50 && bytes.AsSpan(i + 46, name.Length).SequenceEqual(name) && BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i + 28)) == name.Length)
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 24), declared);
        }
        return bytes;
    }

    /// <summary>A minimal but well-formed OLE compound file (one FAT sector, one directory sector) holding streams with the given names.</summary>
    public static byte[] CompoundFile(params string[] streamNames)
    {
        const int sector = 512;
        var bytes = new byte[sector * 4];
        var span = bytes.AsSpan();
        new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[24..], 0x3E);
        BinaryPrimitives.WriteUInt16LittleEndian(span[26..], 3);
        BinaryPrimitives.WriteUInt16LittleEndian(span[28..], 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(span[30..], 9);
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], 6);
        BinaryPrimitives.WriteInt32LittleEndian(span[44..], 1); // FAT sectors
        BinaryPrimitives.WriteUInt32LittleEndian(span[48..], 1); // first directory sector
        BinaryPrimitives.WriteUInt32LittleEndian(span[56..], 4096);
        BinaryPrimitives.WriteUInt32LittleEndian(span[60..], 0xFFFFFFFE);
        BinaryPrimitives.WriteUInt32LittleEndian(span[68..], 0xFFFFFFFE);
        for (var i = 0; i < 109; i++) BinaryPrimitives.WriteUInt32LittleEndian(span[(76 + i * 4)..], i == 0 ? 0u : 0xFFFFFFFF);

        var fat = span.Slice(sector, sector); // sector 0
        for (var i = 0; i < sector / 4; i++) BinaryPrimitives.WriteUInt32LittleEndian(fat[(i * 4)..], 0xFFFFFFFF);
        BinaryPrimitives.WriteUInt32LittleEndian(fat, 0xFFFFFFFD); // sector 0 is the FAT
        BinaryPrimitives.WriteUInt32LittleEndian(fat[4..], 0xFFFFFFFE); // sector 1, the directory, ends its chain

        var names = new[] { "Root Entry" }.Concat(streamNames).Take(4).ToArray();
        for (var i = 0; i < names.Length; i++)
        {
            var entry = span.Slice(sector * 2 + i * 128, 128);
            var encoded = Encoding.Unicode.GetBytes(names[i] + "\0");
            encoded.CopyTo(entry);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[64..], (ushort)encoded.Length);
            entry[66] = (byte)(i == 0 ? 5 : 2);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[68..], 0xFFFFFFFF);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[72..], 0xFFFFFFFF);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[76..], i == 0 && names.Length > 1 ? 1u : 0xFFFFFFFF);
        }
        return bytes;
    }
}
