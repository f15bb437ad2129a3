using System.IO.Compression;
using System.Net;
using System.Security;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Writer;
using S = DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace KnowledgeBase.Tests.Evaluation;

/// <summary>Writes the evaluation's company document set (rules of employment DOCX, travel expenses XLSX, benefits guide
/// PDF, IT FAQ HTML, summer-vacation notice HWPX) from <see cref="CompanyDocumentTexts"/>. The files are generated,
/// never committed, so a reviewer reads their content as source; the same text always gives the same content.</summary>
public static class CompanyDocumentSet
{
    public const string RulesFile = "rules-of-employment.docx";
    public const string TravelFile = "travel-expenses.xlsx";
    public const string BenefitsFile = "benefits-guide.pdf";
    public const string ItFaqFile = "it-helpdesk-faq.html";
    public const string NoticeFile = "summer-vacation-notice.hwpx";

    /// <summary>Where the PDF's Korean TrueType fonts come from (Debian's fonts-nanum).</summary>
    public static string FontDirectory { get; set; } = "/usr/share/fonts/truetype/nanum";

    public static IReadOnlyList<string> FileNames { get; } = [RulesFile, TravelFile, BenefitsFile, ItFaqFile, NoticeFile];

    /// <summary>Writes every document into <paramref name="directory"/> and returns their paths.</summary>
    public static IReadOnlyList<string> WriteAll(string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new (string Name, byte[] Bytes)[]
        {
            (RulesFile, Docx(CompanyDocumentTexts.RulesOfEmployment)),
            (TravelFile, TravelExpenses()),
            (BenefitsFile, Pdf(CompanyDocumentTexts.BenefitsGuide)),
            (ItFaqFile, Encoding.UTF8.GetBytes(Html(CompanyDocumentTexts.ItFaq))),
            (NoticeFile, Hwpx(CompanyDocumentTexts.SummerNotice)),
        };
        var paths = new List<string>();
        foreach (var (name, bytes) in files)
        {
            var path = Path.Combine(directory, name);
            File.WriteAllBytes(path, bytes);
            paths.Add(path);
        }
        return paths;
    }

    // ---- the line format -------------------------------------------------------------------------------------------

    private abstract record Block;
    private sealed record Heading(int Level, string Text) : Block;
    private sealed record Paragraph(string Text) : Block;
    private sealed record ListItem(string Text) : Block;
    private sealed record Table(string? Caption, IReadOnlyList<string[]> Rows) : Block;

    private static List<Block> Blocks(string text)
    {
        var blocks = new List<Block>();
        string? caption = null;
        List<string[]>? rows = null;
        void EndTable()
        {
            if (rows is not null) blocks.Add(new Table(caption, rows));
            rows = null;
            caption = null;
        }
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith('|'))
            {
                (rows ??= []).Add(line.Trim('|').Split('|').Select(c => c.Trim()).ToArray());
                continue;
            }
            EndTable();
            if (line.StartsWith('@')) caption = line[1..].Trim();
            else if (line.StartsWith('#'))
            {
                var level = line.TakeWhile(c => c == '#').Count();
                blocks.Add(new Heading(level, line[level..].Trim()));
            }
            else if (line.StartsWith("- ")) blocks.Add(new ListItem(line[2..]));
            else blocks.Add(new Paragraph(line));
        }
        EndTable();
        return blocks;
    }

    // ---- DOCX --------------------------------------------------------------------------------------------------------

    private static byte[] Docx(string text)
    {
        var blocks = Blocks(text);
        var ms = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(ms, WordprocessingDocumentType.Document))
        {
            var main = doc.AddMainDocumentPart();
            main.AddNewPart<StyleDefinitionsPart>().Styles = new W.Styles(
                Style("Title", "Title", null), Style("Heading1", "heading 1", 0), Style("Heading2", "heading 2", 1), Style("Heading3", "heading 3", 2),
                Style("ListParagraph", "List Paragraph", null), Style("Caption", "caption", null));
            var body = new W.Body();
            var first = true;
            foreach (var block in blocks)
            {
                switch (block)
                {
                    case Heading h:
                        body.Append(Para(h.Text, first ? "Title" : "Heading" + h.Level));
                        first = false;
                        break;
                    case Paragraph p: body.Append(Para(p.Text)); break;
                    case ListItem li: body.Append(Para(li.Text, "ListParagraph")); break;
                    case Table t:
                        if (t.Caption is not null) body.Append(Para(t.Caption, "Caption"));
                        var table = new W.Table(new W.TableProperties(new W.TableBorders(
                            new W.TopBorder { Val = W.BorderValues.Single, Size = 4 }, new W.BottomBorder { Val = W.BorderValues.Single, Size = 4 },
                            new W.InsideHorizontalBorder { Val = W.BorderValues.Single, Size = 4 }, new W.InsideVerticalBorder { Val = W.BorderValues.Single, Size = 4 })));
                        foreach (var row in t.Rows) table.Append(new W.TableRow(row.Select(c => new W.TableCell(new W.Paragraph(new W.Run(new W.Text(c)))))));
                        body.Append(table);
                        break;
                }
            }
            main.Document = new W.Document(body);
            doc.PackageProperties.Title = ((Heading)blocks[0]).Text;
        }
        return ms.ToArray();

        static W.Style Style(string id, string name, int? outline)
        {
            var style = new W.Style(new W.StyleName { Val = name }) { StyleId = id, Type = W.StyleValues.Paragraph };
            if (outline is int o) style.Append(new W.StyleParagraphProperties(new W.OutlineLevel { Val = o }));
            return style;
        }

        static W.Paragraph Para(string text, string? style = null)
        {
            var p = new W.Paragraph(new W.Run(new W.Text(text) { Space = SpaceProcessingModeValues.Preserve }));
            if (style is not null) p.PrependChild(new W.ParagraphProperties(new W.ParagraphStyleId { Val = style }));
            return p;
        }
    }

    // ---- XLSX: grades x allowances, a wide sheet with merged group headers, rates per year, settlement rules --------

    private static readonly string[] Regions = ["미주", "유럽", "일본", "중국", "동남아시아", "중동·아프리카", "그 밖의 지역"];

    private static byte[] TravelExpenses()
    {
        var ms = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(ms, SpreadsheetDocumentType.Workbook))
        {
            var wb = doc.AddWorkbookPart();
            wb.Workbook = new S.Workbook(new S.Sheets());
            var styles = wb.AddNewPart<WorkbookStylesPart>();
            // Style 1 shows numbers with thousands separators, as such a sheet would.
            styles.Stylesheet = new S.Stylesheet(
                new S.Fonts(new S.Font()), new S.Fills(new S.Fill(new S.PatternFill { PatternType = S.PatternValues.None })),
                new S.Borders(new S.Border()), new S.CellFormats(new S.CellFormat(), new S.CellFormat { NumberFormatId = 3, ApplyNumberFormat = true }));

            object[][] domestic =
            [
                ["국내 출장 여비 지급 기준 (1일 기준, 단위: 원)"],
                ["직급", "일비", "식비", "숙박비(서울)", "숙박비(광역시)", "숙박비(그 밖의 지역)", "교통편"],
                ["임원", 60000, 50000, 200000, 150000, 120000, "KTX 특실 / 항공 비즈니스석"],
                ["부장", 40000, 40000, 150000, 120000, 100000, "KTX 일반실 / 항공 이코노미석"],
                ["차장", 35000, 35000, 130000, 110000, 90000, "KTX 일반실 / 항공 이코노미석"],
                ["과장", 30000, 30000, 120000, 100000, 80000, "KTX 일반실 / 항공 이코노미석"],
                ["대리", 25000, 30000, 100000, 90000, 70000, "KTX 일반실 / 항공 이코노미석"],
                ["주임", 25000, 25000, 100000, 80000, 70000, "KTX 일반실 / 항공 이코노미석"],
                ["사원", 20000, 25000, 90000, 80000, 60000, "KTX 일반실 / 항공 이코노미석"],
            ];
            AddSheet(wb, "국내출장", domestic, ["A1:G1"]);

            var overseasHeader = new List<object> { "직급" };
            var overseasSub = new List<object> { "" };
            foreach (var region in Regions)
            {
                overseasHeader.AddRange([region, ""]);
                overseasSub.AddRange(["일비", "숙박비"]);
            }
            object[][] overseas =
            [
                ["해외 출장 여비 지급 기준 (1일 기준, 단위: 미화 달러 USD)"],
                [.. overseasHeader],
                [.. overseasSub],
                ["임원", 120, 350, 120, 330, 100, 250, 90, 200, 90, 180, 100, 250, 90, 200],
                ["부장", 90, 250, 90, 240, 80, 200, 70, 160, 70, 150, 80, 200, 70, 160],
                ["차장·과장", 80, 220, 80, 210, 70, 180, 60, 140, 60, 130, 70, 180, 60, 140],
                ["대리 이하", 70, 200, 70, 190, 60, 160, 50, 120, 50, 110, 60, 160, 50, 120],
            ];
            var merges = new List<string> { "A1:O1", "A2:A3" };
            for (var i = 0; i < Regions.Length; i++) merges.Add($"{Column(1 + 2 * i)}2:{Column(2 + 2 * i)}2");
            AddSheet(wb, "해외출장", overseas, merges);

            object[][] rates =
            [
                ["항목", "단위", "2024년", "2025년", "2026년"],
                ["자가운전 유류비", "km당 원", 180, 200, 230],
                ["야근 식대", "1회 원", 10000, 12000, 12000],
                ["심야 택시비 한도", "1회 원", 30000, 40000, 50000],
                ["출장지 주차비 한도", "1일 원", 20000, 20000, 25000],
                ["성수기 숙박비 상한 초과 허용", "퍼센트", 10, 10, 20],
                ["해외 출장 준비금(비자·예방접종)", "1회 원", 100000, 150000, 150000],
            ];
            AddSheet(wb, "연도별 단가", rates, []);

            object[][] rules =
            [
                ["번호", "출장비 정산 규정"],
                [1, "출장비는 출장을 마친 날부터 7일 이내에 그룹웨어 '출장비 정산' 메뉴에서 청구한다."],
                [2, "숙박비와 교통비는 실비로 정산하되 직급별 상한을 넘을 수 없으며, 영수증(법인카드 전표 포함)을 첨부한다."],
                [3, "일비와 식비는 정액으로 지급하며 영수증이 필요 없다. 출장지에서 식사를 제공받은 경우 해당 식비는 지급하지 않는다."],
                [4, "교통편은 KTX 일반실과 항공 이코노미석을 원칙으로 한다. 임원은 KTX 특실과, 비행시간이 6시간 이상이면 항공 비즈니스석을 이용할 수 있다."],
                [5, "자가용을 이용하면 연도별 단가표의 km당 유류비와 실제 통행료를 지급한다."],
                [6, "당일 출장은 일비의 50퍼센트를 지급하고 숙박비는 지급하지 않는다."],
                [7, "국내 출장은 부서장이 승인하고, 해외 출장은 본부장 합의를 거쳐 대표이사가 승인한다."],
                [8, "법인카드로 결제한 비용은 개인 계좌로 다시 청구할 수 없다."],
                [9, "해외 출장의 환율은 출발일 전날 하나은행이 처음 고시한 매매기준율을 적용한다."],
                [10, "정산 기한을 넘긴 청구는 팀장의 사유서가 있어야 처리하며, 출장 종료 후 30일이 지나면 지급하지 않는다."],
            ];
            AddSheet(wb, "정산 규정", rules, []);
            doc.PackageProperties.Title = "수산주식회사 출장여비 지급기준 (2026)";
        }
        return ms.ToArray();
    }

    private static void AddSheet(WorkbookPart wb, string name, object[][] rows, IReadOnlyList<string> merges)
    {
        var part = wb.AddNewPart<WorksheetPart>();
        var data = new S.SheetData();
        for (var r = 0; r < rows.Length; r++)
        {
            var row = new S.Row { RowIndex = (uint)(r + 1) };
            for (var c = 0; c < rows[r].Length; c++)
            {
                var reference = $"{Column(c)}{r + 1}";
                row.Append(rows[r][c] switch
                {
                    int n => new S.Cell { CellReference = reference, CellValue = new S.CellValue(n), StyleIndex = 1 },
                    string s when s.Length == 0 => new S.Cell { CellReference = reference },
                    var v => new S.Cell { CellReference = reference, DataType = S.CellValues.InlineString, InlineString = new S.InlineString(new S.Text(v.ToString()!)) },
                });
            }
            data.Append(row);
        }
        part.Worksheet = new S.Worksheet(data);
        if (merges.Count > 0) part.Worksheet.Append(new S.MergeCells(merges.Select(m => new S.MergeCell { Reference = m })));
        var sheets = wb.Workbook.Sheets!;
        sheets.Append(new S.Sheet { Id = wb.GetIdOfPart(part), SheetId = (uint)(sheets.ChildElements.Count + 1), Name = name });
    }

    private static string Column(int index)
    {
        var name = "";
        for (index++; index > 0; index = (index - 1) / 26) name = (char)('A' + (index - 1) % 26) + name;
        return name;
    }

    // ---- PDF: NanumGothic body text, numbered headings in a larger bold face, tables -------------------------------------

    /// <summary>A PDF of <paramref name="text"/> in the line format: headings in a larger bold face, body text, tables ruled
    /// or set out by whitespace alone. In a table cell "&lt;br&gt;" breaks the line; a first row repeating a name over
    /// adjacent columns draws a two-row header with merged cells.</summary>
    public static byte[] Pdf(string text, bool ruledTables = true)
    {
        var builder = new PdfDocumentBuilder();
        var regular = new FontFace(builder, Path.Combine(FontDirectory, "NanumGothic.ttf"));
        var bold = new FontFace(builder, Path.Combine(FontDirectory, "NanumGothicBold.ttf"));
        const double left = 56, right = 539, top = 790, bottom = 60;
        var page = builder.AddPage(PageSize.A4);
        var y = top;

        void NewPageIfBelow(double needed)
        {
            if (y - needed >= bottom) return;
            page = builder.AddPage(PageSize.A4);
            y = top;
        }

        double Width(string s, double size, FontFace face)
        {
            var letters = page.MeasureText(s, size, new PdfPoint(0, 0), face.For(s));
            return letters.Count == 0 ? 0 : letters[^1].EndBaseLine.X - letters[0].StartBaseLine.X;
        }

        void Write(string s, double size, FontFace font, double indent = 0, double after = 0)
        {
            // Greedy wrapping by words; Korean lines break between words, as typeset documents do.
            var line = "";
            foreach (var word in s.Split(' '))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (line.Length > 0 && Width(candidate, size, font) > right - left - indent)
                {
                    NewPageIfBelow(size * 1.6);
                    page.AddText(line, size, new PdfPoint(left + indent, y), font.For(line));
                    y -= size * 1.6;
                    line = word;
                }
                else line = candidate;
            }
            NewPageIfBelow(size * 1.6);
            page.AddText(line, size, new PdfPoint(left + indent, y), font.For(line));
            y -= size * 1.6 + after;
        }

        foreach (var block in Blocks(text))
        {
            switch (block)
            {
                case Heading { Level: 1 } h:
                    Write(h.Text, 20, bold, after: 10);
                    break;
                case Heading h:
                    y -= h.Level == 2 ? 12 : 6;
                    NewPageIfBelow(60);
                    Write(h.Text, h.Level == 2 ? 14 : 12, bold, after: 4);
                    break;
                case Paragraph p: Write(p.Text, 10, regular, after: 6); break;
                case ListItem li: Write("• " + li.Text, 10, regular, indent: 10, after: 3); break;
                case Table t:
                    if (t.Caption is not null) Write(t.Caption, 10, bold, after: 2);
                    DrawTable(t);
                    break;
            }
        }
        return builder.Build();

        void DrawTable(Table t)
        {
            const double lineHeight = 12, padding = 8, size = 9.5;
            var columns = t.Rows.Max(r => r.Length);
            var cells = t.Rows.Select(r => Enumerable.Range(0, columns).Select(c => c < r.Length ? r[c] : "").ToArray()).ToList();
            // A first row that repeats a name over adjacent columns is a group header: it and the row under it are the
            // header, drawn with merged cells (one text over the columns it repeats over, or over both header rows).
            var headerRows = cells.Count > 2 && Enumerable.Range(1, columns - 1).Any(c => cells[0][c].Length > 0 && cells[0][c] == cells[0][c - 1]) ? 2 : 1;
            bool MergedLeft(int r, int c) => r < headerRows && c > 0 && cells[r][c] == cells[r][c - 1];
            bool MergedUp(int r, int c) => r > 0 && r < headerRows && cells[r][c] == cells[r - 1][c];
            static string[] CellLines(string cell) => cell.Split("<br>");

            var widths = Enumerable.Range(0, columns)
                .Select(c => cells.Where((row, r) => !MergedLeft(r, c) && (c + 1 == columns || !MergedLeft(r, c + 1))).Max(row => CellLines(row[c]).Max(l => Width(l, size, bold))) + 2 * padding)
                .ToArray();
            var scale = Math.Min(1, (right - left) / widths.Sum());
            var xs = new double[columns + 1];
            xs[0] = left;
            for (var c = 0; c < columns; c++) xs[c + 1] = xs[c] + widths[c] * scale;
            var heights = cells.Select(row => row.Max(cell => CellLines(cell).Length) * lineHeight + 8).ToArray();
            // A table that fits on a page starts on one; a longer one runs on over the next pages, row by row.
            NewPageIfBelow(heights.Sum() <= top - bottom ? heights.Sum() + 10 : heights[0] + 10);

            void Rule(double x1, double y1, double x2, double y2)
            {
                if (ruledTables) page.DrawLine(new PdfPoint(x1, y1), new PdfPoint(x2, y2), 0.5);
            }

            var rowTop = y + 14;
            for (var r = 0; r < cells.Count; r++)
            {
                if (rowTop - heights[r] < bottom)
                {
                    Rule(xs[0], rowTop, xs[columns], rowTop);
                    page = builder.AddPage(PageSize.A4);
                    rowTop = top + 14;
                }
                var rowBottom = rowTop - heights[r];
                for (var c = 0; c < columns; c++)
                {
                    if (!MergedUp(r, c)) Rule(xs[c], rowTop, xs[c + 1], rowTop);
                    if (!MergedLeft(r, c)) Rule(xs[c], rowTop, xs[c], rowBottom);
                    if (MergedLeft(r, c) || MergedUp(r, c) || cells[r][c].Length == 0) continue;
                    var last = c;
                    while (last + 1 < columns && MergedLeft(r, last + 1)) last++;
                    var down = r;
                    while (down + 1 < cells.Count && MergedUp(down + 1, c)) down++;
                    var lines = CellLines(cells[r][c]);
                    var face = r < headerRows ? bold : regular;
                    var drop = (heights[r..(down + 1)].Sum() - heights[r]) / 2;
                    for (var i = 0; i < lines.Length; i++)
                    {
                        var x = last > c ? (xs[c] + xs[last + 1] - Width(lines[i], size, face)) / 2 : xs[c] + padding;
                        page.AddText(lines[i], size, new PdfPoint(x, rowTop - 14 - drop - i * lineHeight), face.For(lines[i]));
                    }
                }
                Rule(xs[columns], rowTop, xs[columns], rowBottom);
                rowTop = rowBottom;
            }
            Rule(xs[0], rowTop, xs[columns], rowTop);
            y = rowTop - 24;
        }
    }

    /// <summary>One typeface embedded as many times as its text needs: PdfPig's simple TrueType fonts map at most 255
    /// characters each, and Korean text uses hundreds of syllables.</summary>
    private sealed class FontFace(PdfDocumentBuilder builder, string path)
    {
        private const int MaxCharacters = 255;
        private readonly byte[] _file = File.ReadAllBytes(path);
        private readonly List<(PdfDocumentBuilder.AddedFont Font, HashSet<char> Characters)> _embedded = [];

        public PdfDocumentBuilder.AddedFont For(string text)
        {
            var needed = text.ToHashSet();
            foreach (var (font, characters) in _embedded)
            {
                if (characters.Count + needed.Count(c => !characters.Contains(c)) > MaxCharacters) continue;
                characters.UnionWith(needed);
                return font;
            }
            var added = builder.AddTrueTypeFont(_file);
            _embedded.Add((added, needed));
            return added;
        }
    }

    // ---- HTML: a help-desk page with navigation and a script around the content ----------------------------------

    private static string Html(string text)
    {
        var blocks = Blocks(text);
        var sb = new StringBuilder();
        var title = ((Heading)blocks[0]).Text;
        sb.Append($$"""
            <!doctype html>
            <html lang="ko"><head><meta charset="utf-8"><title>{{WebUtility.HtmlEncode(title)}}</title>
            <style>body{font-family:'Nanum Gothic',sans-serif;max-width:60rem;margin:auto} h3{margin-top:1.5rem}</style></head>
            <body><nav><a href="/">인트라넷 홈</a> · <a href="/it">IT 서비스</a> · <a href="/it/faq">자주 묻는 질문</a></nav>
            <main>

            """);
        var inList = false;
        foreach (var block in blocks)
        {
            if (inList && block is not ListItem) { sb.Append("</ul>\n"); inList = false; }
            switch (block)
            {
                case Heading h: sb.Append($"<h{h.Level}>{WebUtility.HtmlEncode(h.Text)}</h{h.Level}>\n"); break;
                case Paragraph p: sb.Append($"<p>{WebUtility.HtmlEncode(p.Text)}</p>\n"); break;
                case ListItem li:
                    if (!inList) { sb.Append("<ul>\n"); inList = true; }
                    sb.Append($"<li>{WebUtility.HtmlEncode(li.Text)}</li>\n");
                    break;
                case Table t:
                    sb.Append("<table>");
                    if (t.Caption is not null) sb.Append($"<caption>{WebUtility.HtmlEncode(t.Caption)}</caption>");
                    sb.Append("<thead><tr>").AppendJoin("", t.Rows[0].Select(c => $"<th>{WebUtility.HtmlEncode(c)}</th>")).Append("</tr></thead><tbody>");
                    foreach (var row in t.Rows.Skip(1)) sb.Append("<tr>").AppendJoin("", row.Select(c => $"<td>{WebUtility.HtmlEncode(c)}</td>")).Append("</tr>");
                    sb.Append("</tbody></table>\n");
                    break;
            }
        }
        if (inList) sb.Append("</ul>\n");
        sb.Append("""
            </main>
            <footer>문의: 정보전략팀 헬프데스크</footer>
            <script>document.querySelectorAll('h3').forEach(h => h.tabIndex = 0);</script>
            </body></html>
            """);
        return sb.ToString();
    }

    // ---- HWPX: the Hangul word processor's zipped XML (mimetype, header styles, content.hpf spine, sections) ---------

    private static byte[] Hwpx(string text)
    {
        var blocks = Blocks(text);
        var title = ((Heading)blocks[0]).Text;
        var section = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><hs:sec xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph">""");
        var id = 0;
        foreach (var block in blocks.Skip(1))
        {
            switch (block)
            {
                case Heading h: section.Append(Para(h.Level == 1 ? 2 : 3, h.Text)); break;
                case Paragraph p: section.Append(Para(0, p.Text)); break;
                case ListItem li: section.Append(Para(0, "- " + li.Text)); break;
                case Table t:
                    section.Append($"""<hp:p id="{++id}" paraPrIDRef="0" styleIDRef="0"><hp:run charPrIDRef="0"><hp:tbl rowCnt="{t.Rows.Count}" colCnt="{t.Rows[0].Length}">""");
                    foreach (var row in t.Rows)
                        section.Append("<hp:tr>").AppendJoin("", row.Select(c => $"<hp:tc><hp:subList><hp:p><hp:run><hp:t>{SecurityElement.Escape(c)}</hp:t></hp:run></hp:p></hp:subList></hp:tc>")).Append("</hp:tr>");
                    section.Append("</hp:tbl></hp:run></hp:p>");
                    break;
            }
        }
        section.Append("</hs:sec>");

        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "mimetype", "application/hwp+zip", CompressionLevel.NoCompression);
            Add(zip, "version.xml", """<?xml version="1.0" encoding="UTF-8"?><hv:HCFVersion xmlns:hv="http://www.hancom.co.kr/hwpml/2011/version" tagetApplication="WORDPROCESSOR" major="5" minor="1" micro="0" buildNumber="1" os="1" xmlVersion="1.4" application="Hancom Office Hangul" appVersion="12, 0, 0, 0"/>""");
            Add(zip, "Contents/header.xml", """<?xml version="1.0" encoding="UTF-8"?><hh:head xmlns:hh="http://www.hancom.co.kr/hwpml/2011/head" version="1.4" secCnt="1"><hh:refList><hh:styles itemCnt="4"><hh:style id="0" type="PARA" name="바탕글" engName="Normal"/><hh:style id="1" type="PARA" name="본문" engName="Body"/><hh:style id="2" type="PARA" name="개요 1" engName="Outline 1"/><hh:style id="3" type="PARA" name="개요 2" engName="Outline 2"/></hh:styles></hh:refList></hh:head>""");
            Add(zip, "Contents/content.hpf", $"""<?xml version="1.0" encoding="UTF-8"?><opf:package xmlns:opf="http://www.idpf.org/2007/opf/" version="" unique-identifier="" id=""><opf:metadata><opf:title>{SecurityElement.Escape(title)}</opf:title><opf:language>ko</opf:language></opf:metadata><opf:manifest><opf:item id="header" href="Contents/header.xml" media-type="application/xml"/><opf:item id="section0" href="Contents/section0.xml" media-type="application/xml"/></opf:manifest><opf:spine><opf:itemref idref="header" linear="yes"/><opf:itemref idref="section0" linear="yes"/></opf:spine></opf:package>""");
            Add(zip, "Contents/section0.xml", section.ToString());
        }
        return ms.ToArray();

        string Para(int style, string content) =>
            $"""<hp:p id="{++id}" paraPrIDRef="0" styleIDRef="{style}"><hp:run charPrIDRef="0"><hp:t>{SecurityElement.Escape(content)}</hp:t></hp:run></hp:p>""";

        static void Add(ZipArchive zip, string name, string content, CompressionLevel level = CompressionLevel.Optimal)
        {
            var entry = zip.CreateEntry(name, level);
            entry.LastWriteTime = new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.FromHours(9));
            using var w = new StreamWriter(entry.Open(), new UTF8Encoding(false));
            w.Write(content);
        }
    }
}
