using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using A = DocumentFormat.OpenXml.Drawing;
using P = DocumentFormat.OpenXml.Presentation;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace KnowledgeBase.Tests.Ingestion;

/// <summary>Real Office files whose tables have captions and merged header cells, built with the OpenXml SDK.</summary>
internal static class TableFiles
{
    /// <summary>Rules with a captioned table: 구분 merged down two header rows, 지급액 spanning two columns (본인 / 자녀).</summary>
    public static byte[] CondolenceDocx()
    {
        var ms = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(ms, WordprocessingDocumentType.Document))
        {
            var main = doc.AddMainDocumentPart();
            main.AddNewPart<StyleDefinitionsPart>().Styles = new W.Styles(
                new W.Style(new W.StyleName { Val = "heading 1" }, new W.StyleParagraphProperties(new W.OutlineLevel { Val = 0 })) { StyleId = "Heading1", Type = W.StyleValues.Paragraph },
                new W.Style(new W.StyleName { Val = "caption" }) { StyleId = "Caption", Type = W.StyleValues.Paragraph });
            main.Document = new W.Document(new W.Body(
                Para("경조 지원 규정", "Heading1"),
                Para("임직원의 경조사에 아래 표의 휴가와 경조금을 지원한다."),
                Para("경조 휴가와 경조금 지급 기준 (단위: 원)", "Caption"),
                new W.Table(
                    new W.TableRow(Cell("구분", restart: true), Cell("휴가 일수", restart: true), Cell("경조금", span: 2)),
                    new W.TableRow(Cell("", merged: true), Cell("", merged: true), Cell("본인"), Cell("자녀")),
                    new W.TableRow(Cell("결혼"), Cell("5일"), Cell("1,000,000"), Cell("500,000")),
                    new W.TableRow(Cell("회갑"), Cell("1일"), Cell("300,000"), Cell("")),
                    new W.TableRow(Cell("출산"), Cell("10일"), Cell("200,000"), Cell("100,000"))),
                Para("경조금은 사유 발생일부터 3개월 이내에 신청한다.")));
        }
        return ms.ToArray();

        static W.Paragraph Para(string text, string? style = null)
        {
            var p = new W.Paragraph(new W.Run(new W.Text(text) { Space = SpaceProcessingModeValues.Preserve }));
            if (style is not null) p.PrependChild(new W.ParagraphProperties(new W.ParagraphStyleId { Val = style }));
            return p;
        }

        static W.TableCell Cell(string text, bool restart = false, bool merged = false, int span = 1)
        {
            var properties = new W.TableCellProperties();
            if (span > 1) properties.Append(new W.GridSpan { Val = span });
            if (restart) properties.Append(new W.VerticalMerge { Val = W.MergedCellValues.Restart });
            if (merged) properties.Append(new W.VerticalMerge());
            return new W.TableCell(properties, new W.Paragraph(new W.Run(new W.Text(text))));
        }
    }

    /// <summary>One slide with a table: 과정 merged down, 지원 한도 spanning two columns (정규직 / 계약직).</summary>
    public static byte[] TrainingPptx()
    {
        var ms = new MemoryStream();
        using (var doc = PresentationDocument.Create(ms, PresentationDocumentType.Presentation))
        {
            var pres = doc.AddPresentationPart();
            pres.Presentation = new P.Presentation(new P.SlideIdList(), new P.SlideSize { Cx = 9144000, Cy = 6858000 }, new P.NotesSize { Cx = 6858000, Cy = 9144000 });
            var slidePart = pres.AddNewPart<SlidePart>();
            var title = new P.Shape(
                new P.NonVisualShapeProperties(new P.NonVisualDrawingProperties { Id = 2, Name = "title" }, new P.NonVisualShapeDrawingProperties(),
                    new P.ApplicationNonVisualDrawingProperties(new P.PlaceholderShape { Type = P.PlaceholderValues.Title })),
                new P.ShapeProperties(),
                new P.TextBody(new A.BodyProperties(), new A.ListStyle(), new A.Paragraph(new A.Run(new A.Text("교육비 지원 한도")))));
            var table = new A.Table(new A.TableGrid(new A.GridColumn { Width = 2000000 }, new A.GridColumn { Width = 2000000 }, new A.GridColumn { Width = 2000000 }),
                Row(Cell("과정", rowSpan: 2), Cell("지원 한도", gridSpan: 2), Cell("", hMerge: true)),
                Row(Cell("", vMerge: true), Cell("정규직"), Cell("계약직")),
                Row(Cell("어학"), Cell("연 120만원"), Cell("연 60만원")),
                Row(Cell("대학원"), Cell("학기당 300만원"), Cell("지원 없음")),
                Row(Cell("자격증"), Cell("응시료 전액"), Cell("응시료 50%")));
            var frame = new P.GraphicFrame(
                new P.NonVisualGraphicFrameProperties(new P.NonVisualDrawingProperties { Id = 3, Name = "table" }, new P.NonVisualGraphicFrameDrawingProperties(), new P.ApplicationNonVisualDrawingProperties()),
                new P.Transform(new A.Offset { X = 0, Y = 0 }, new A.Extents { Cx = 6000000, Cy = 2000000 }),
                new A.Graphic(new A.GraphicData(table) { Uri = "http://schemas.openxmlformats.org/drawingml/2006/table" }));
            var tree = new P.ShapeTree(
                new P.NonVisualGroupShapeProperties(new P.NonVisualDrawingProperties { Id = 1, Name = "" }, new P.NonVisualGroupShapeDrawingProperties(), new P.ApplicationNonVisualDrawingProperties()),
                new P.GroupShapeProperties(), title, frame);
            slidePart.Slide = new P.Slide(new P.CommonSlideData(tree));
            pres.Presentation.SlideIdList!.Append(new P.SlideId { Id = 256, RelationshipId = pres.GetIdOfPart(slidePart) });
        }
        return ms.ToArray();

        static A.TableRow Row(params A.TableCell[] cells) => new(cells) { Height = 370840 };

        static A.TableCell Cell(string text, int rowSpan = 1, int gridSpan = 1, bool hMerge = false, bool vMerge = false)
        {
            var cell = new A.TableCell(new A.TextBody(new A.BodyProperties(), new A.ListStyle(), new A.Paragraph(new A.Run(new A.Text(text)))), new A.TableCellProperties());
            if (rowSpan > 1) cell.RowSpan = rowSpan;
            if (gridSpan > 1) cell.GridSpan = gridSpan;
            if (hMerge) cell.HorizontalMerge = true;
            if (vMerge) cell.VerticalMerge = true;
            return cell;
        }
    }

    /// <summary>An HTML page whose table has a caption, a rowspan key column and a colspan group header.</summary>
    public const string DeviceHtml = """
        <!doctype html><html><head><title>IT 장비 안내</title></head><body>
        <h1>IT 장비 교체 기준</h1>
        <table><caption>표 1. 업무용 장비 교체 주기</caption>
        <tr><th rowspan="2">장비</th><th colspan="2">교체 주기</th></tr>
        <tr><th>일반 직군</th><th>개발 직군</th></tr>
        <tr><td>노트북</td><td>5년</td><td>3년</td></tr>
        <tr><td>모니터</td><td>7년</td><td>5년</td></tr>
        <tr><td>휴대전화</td><td>3년</td><td>3년</td></tr>
        </table></body></html>
        """;
}
