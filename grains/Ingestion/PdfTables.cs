using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>
/// Finds tables on a PDF page from its geometry, for <see cref="TableRecords"/>. Ruled tables: the page's horizontal and
/// vertical rules that touch form a grid; a rule missing inside the grid merges the cells on either side (a merged
/// header), and the merged cell's text fills every slot it covers. Tables without rules: consecutive lines split into
/// the same columns by wide gaps, columns taken from the lines that have the most common number of cells, a header set
/// over two columns written into both. An unruled candidate is kept only when it reads as a table with a header row,
/// so two-column page layouts and indented lists stay paragraphs.
/// </summary>
public static class PdfTables
{
    /// <summary>A table on one page: its rows of cell texts, the box it covers and the words it took from the page.</summary>
    public sealed record PageTable(IReadOnlyList<string[]> Rows, PdfRectangle Bounds, IReadOnlyList<Word> Words);

    /// <summary>A straight rule: horizontal at y = At from x = From to To, or vertical at x = At from y = From to To.</summary>
    private readonly record struct Rule(double At, double From, double To);

    private sealed record Segment(double Left, double Right, List<Word> Words)
    {
        public string Text => string.Join(' ', Words.Select(w => w.Text));
    }

    private sealed record Line(double Baseline, double Size, List<Segment> Segments);

    private const double Tolerance = 2;
    // Cells of an unruled table are set apart by at least this many font sizes; words of one cell by a space.
    private const double ColumnGap = 1.0;
    private const double MaxAverageCell = 25;
    private const int MaxCell = 200;

    public static List<PageTable> Find(Page page, IReadOnlyList<Word> words)
    {
        var tables = new List<PageTable>();
        var (horizontal, vertical) = Rules(page);
        foreach (var (h, v) in RuledGroups(horizontal, vertical))
            if (ReadRuled(h, v, words) is { } table) tables.Add(table);
        var taken = tables.SelectMany(t => t.Words).ToHashSet();
        tables.AddRange(AlignedTables(words.Where(w => !taken.Contains(w)).ToList()));
        return tables;
    }

    // ---- ruled tables ------------------------------------------------------------------------------------------------

    /// <summary>Every straight horizontal and vertical stroke on the page (lines, thin filled bars, rectangle edges), with
    /// collinear pieces joined (a grid drawn cell by cell becomes whole rules).</summary>
    private static (List<Rule> Horizontal, List<Rule> Vertical) Rules(Page page)
    {
        var h = new List<Rule>();
        var v = new List<Rule>();
        foreach (var path in page.Paths)
        {
            if (path.IsClipping || !(path.IsStroked || path.IsFilled)) continue;
            foreach (var subpath in path)
            {
                if (subpath.GetBoundingRectangle() is not { } box) continue;
                if (box.Height <= Tolerance && box.Width > Tolerance) h.Add(new Rule((box.Top + box.Bottom) / 2, box.Left, box.Right));
                else if (box.Width <= Tolerance && box.Height > Tolerance) v.Add(new Rule((box.Left + box.Right) / 2, box.Bottom, box.Top));
                else if (subpath.IsDrawnAsRectangle)
                {
                    h.Add(new Rule(box.Top, box.Left, box.Right));
                    h.Add(new Rule(box.Bottom, box.Left, box.Right));
                    v.Add(new Rule(box.Left, box.Bottom, box.Top));
                    v.Add(new Rule(box.Right, box.Bottom, box.Top));
                }
                else
                {
                    foreach (var line in subpath.Commands.OfType<PdfSubpath.Line>())
                    {
                        if (Math.Abs(line.From.Y - line.To.Y) <= 0.5) h.Add(new Rule(line.From.Y, Math.Min(line.From.X, line.To.X), Math.Max(line.From.X, line.To.X)));
                        else if (Math.Abs(line.From.X - line.To.X) <= 0.5) v.Add(new Rule(line.From.X, Math.Min(line.From.Y, line.To.Y), Math.Max(line.From.Y, line.To.Y)));
                    }
                }
            }
        }
        return (Join(h), Join(v));
    }

    private static List<Rule> Join(List<Rule> rules)
    {
        var joined = new List<Rule>();
        foreach (var rule in rules.OrderBy(r => r.At).ThenBy(r => r.From))
        {
            if (joined.Count > 0 && joined[^1] is var last && Math.Abs(last.At - rule.At) <= Tolerance / 2 && rule.From <= last.To + Tolerance)
                joined[^1] = last with { To = Math.Max(last.To, rule.To) };
            else joined.Add(rule);
        }
        return joined;
    }

    /// <summary>The rules that touch each other, grouped: each group with rules both ways is one grid.</summary>
    private static IEnumerable<(List<Rule> H, List<Rule> V)> RuledGroups(List<Rule> horizontal, List<Rule> vertical)
    {
        var parent = Enumerable.Range(0, horizontal.Count + vertical.Count).ToArray();
        int Root(int i) => parent[i] == i ? i : parent[i] = Root(parent[i]);
        for (var i = 0; i < horizontal.Count; i++)
            for (var j = 0; j < vertical.Count; j++)
                if (Touch(horizontal[i], vertical[j])) parent[Root(i)] = Root(horizontal.Count + j);
        var groups = Enumerable.Range(0, parent.Length).GroupBy(Root);
        foreach (var group in groups)
        {
            var h = group.Where(i => i < horizontal.Count).Select(i => horizontal[i]).ToList();
            var v = group.Where(i => i >= horizontal.Count).Select(i => vertical[i - horizontal.Count]).ToList();
            if (h.Count >= 2 && v.Count >= 2) yield return (h, v);
        }

        static bool Touch(Rule h, Rule v) =>
            v.At >= h.From - Tolerance && v.At <= h.To + Tolerance && h.At >= v.From - Tolerance && h.At <= v.To + Tolerance;
    }

    /// <summary>The grid's cells with their words; null when it is not a table (a frame around a paragraph, an empty box).</summary>
    private static PageTable? ReadRuled(List<Rule> horizontal, List<Rule> vertical, IReadOnlyList<Word> words)
    {
        var xs = Positions(vertical.Select(r => r.At).Append(horizontal.Min(r => r.From)).Append(horizontal.Max(r => r.To))).ToArray();
        var ys = Positions(horizontal.Select(r => r.At).Append(vertical.Min(r => r.From)).Append(vertical.Max(r => r.To))).AsEnumerable().Reverse().ToArray();
        int columns = xs.Length - 1, rows = ys.Length - 1;
        if (columns < 2 || rows < 2) return null;
        var bounds = new PdfRectangle(xs[0], ys[^1], xs[^1], ys[0]);

        // Slots with no rule between them are one merged cell.
        var parent = Enumerable.Range(0, rows * columns).ToArray();
        int Root(int i) => parent[i] == i ? i : parent[i] = Root(parent[i]);
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++)
            {
                if (c + 1 < columns && !Covers(vertical, xs[c + 1], (ys[r] + ys[r + 1]) / 2)) parent[Root(r * columns + c)] = Root(r * columns + c + 1);
                if (r + 1 < rows && !Covers(horizontal, ys[r + 1], (xs[c] + xs[c + 1]) / 2)) parent[Root(r * columns + c)] = Root((r + 1) * columns + c);
            }

        // Merged cells of a table are rectangles, and only a header corner spans rows and columns at once; anything else
        // is rules drawn for another purpose (frames, column separators of a page layout).
        foreach (var cell in Enumerable.Range(0, rows * columns).GroupBy(Root))
        {
            int top = cell.Min() / columns, bottom = cell.Max() / columns, left = cell.Min(i => i % columns), right = cell.Max(i => i % columns);
            if ((bottom - top + 1) * (right - left + 1) != cell.Count()) return null;
            if (bottom > top && right > left && top > 0) return null;
        }

        var inside = words.Where(w => Contains(bounds, w.BoundingBox.Centroid)).ToList();
        var byCell = inside.GroupBy(w =>
        {
            var p = w.BoundingBox.Centroid;
            var c = Math.Clamp(Array.FindLastIndex(xs, x => x <= p.X), 0, columns - 1);
            var r = Math.Clamp(Array.FindLastIndex(ys, y => y >= p.Y), 0, rows - 1);
            return Root(r * columns + c);
        }).ToDictionary(g => g.Key, g => CellText(g));
        if (byCell.Count < 2) return null;

        var grid = new List<string[]>(rows);
        for (var r = 0; r < rows; r++)
            grid.Add(Enumerable.Range(0, columns).Select(c => byCell.GetValueOrDefault(Root(r * columns + c), string.Empty)).ToArray());
        // A box of running text, or a grid with no header row, is left to be read as text.
        if (byCell.Values.Any(t => t.Length > MaxCell) || !TableRecords.HasHeader(grid)) return null;
        return new PageTable(grid, bounds, inside);
    }

    /// <summary>Distinct coordinates, ascending, nearby ones (within the tolerance) taken as one.</summary>
    private static List<double> Positions(IEnumerable<double> values)
    {
        var result = new List<double>();
        foreach (var value in values.Order())
            if (result.Count == 0 || value - result[^1] > Tolerance) result.Add(value);
        return result;
    }

    private static bool Covers(List<Rule> rules, double at, double along) =>
        rules.Any(r => Math.Abs(r.At - at) <= Tolerance && along >= r.From - Tolerance && along <= r.To + Tolerance);

    private static bool Contains(PdfRectangle box, PdfPoint point) =>
        point.X >= box.Left && point.X <= box.Right && point.Y >= box.Bottom && point.Y <= box.Top;

    /// <summary>A cell's words line by line, top to bottom, left to right: a header set over two lines reads as one name.</summary>
    private static string CellText(IEnumerable<Word> words) =>
        string.Join(' ', Lines(words.ToList()).SelectMany(l => l.Segments).Select(s => s.Text));

    // ---- tables set out by whitespace --------------------------------------------------------------------------------

    private static IEnumerable<PageTable> AlignedTables(List<Word> words)
    {
        var lines = Lines(words);
        var start = 0;
        while (start < lines.Count)
        {
            // A run: consecutive lines of two or more cells, spaced as lines of one table are.
            var end = start;
            while (end < lines.Count && lines[end].Segments.Count >= 2
                   && (end == start || lines[end - 1].Baseline - lines[end].Baseline <= 2.5 * lines[end].Size))
                end++;
            if (end - start >= 3)
            {
                // A header line straddling the columns right above the run, its first column blank (a header cell spanning rows).
                var first = start;
                if (start > 0 && lines[start - 1] is var above && lines[start - 1].Baseline - lines[start].Baseline <= 2.5 * lines[start].Size
                    && above.Segments.Count == 1 && above.Segments[0].Left > lines[start].Segments[0].Right && above.Segments[0].Text.Length <= 40)
                    first = start - 1;
                if (AlignedTable(lines[first..end]) is { } table) yield return table;
            }
            start = Math.Max(end, start + 1);
        }
    }

    private static PageTable? AlignedTable(List<Line> lines)
    {
        // Columns: where the cells of the lines with the most common number of cells lie, overlapping ones joined.
        var modal = lines.GroupBy(l => l.Segments.Count).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key).First().Key;
        var columns = new List<(double Left, double Right)>();
        foreach (var segment in lines.Where(l => l.Segments.Count == modal).SelectMany(l => l.Segments).OrderBy(s => s.Left))
        {
            if (columns.Count > 0 && segment.Left <= columns[^1].Right + Tolerance) columns[^1] = (columns[^1].Left, Math.Max(columns[^1].Right, segment.Right));
            else columns.Add((segment.Left, segment.Right));
        }
        if (columns.Count < 2) return null;

        var grid = new List<string[]>(lines.Count);
        foreach (var line in lines)
        {
            var cells = new string[columns.Count];
            foreach (var segment in line.Segments)
            {
                // A cell over several columns (a merged header) is written into each; one in a gap goes to the nearest.
                var over = Enumerable.Range(0, columns.Count).Where(c => segment.Left < columns[c].Right && segment.Right > columns[c].Left).ToList();
                if (over.Count == 0)
                    over = [Enumerable.Range(0, columns.Count).MinBy(c => Math.Min(Math.Abs(segment.Left - columns[c].Right), Math.Abs(segment.Right - columns[c].Left)))];
                foreach (var c in over) cells[c] = cells[c] is null ? segment.Text : cells[c] + " " + segment.Text;
            }
            grid.Add(cells.Select(c => c ?? string.Empty).ToArray());
        }

        // Cells of a table are short labels and figures: lines of a two-column page or of a list are longer, end
        // sentences, or start with a header that is not a row of labels.
        var filled = grid.SelectMany(r => r).Where(c => c.Length > 0).ToList();
        if (filled.Average(c => c.Length) > MaxAverageCell || filled.Any(c => c.Length > 2 * MaxAverageCell - 10)
            || grid[0].Any(c => c.Length > 20) || filled.Count(c => c.EndsWith('.') || c.EndsWith('?')) >= 2
            || lines.Count(l => l.Segments.Count == modal) * 10 < lines.Count * 6 || !TableRecords.HasHeader(grid))
            return null;
        var taken = lines.SelectMany(l => l.Segments).SelectMany(s => s.Words).ToList();
        var bounds = new PdfRectangle(taken.Min(w => w.BoundingBox.Left), taken.Min(w => w.BoundingBox.Bottom),
            taken.Max(w => w.BoundingBox.Right), taken.Max(w => w.BoundingBox.Top));
        return new PageTable(grid, bounds, taken);
    }

    /// <summary>Words grouped into lines by baseline, top to bottom, each line cut into cells where words stand far apart.</summary>
    private static List<Line> Lines(List<Word> words)
    {
        var lines = new List<(double Baseline, double Size, List<Word> Words)>();
        foreach (var word in words.OrderByDescending(w => w.BoundingBox.Bottom))
        {
            var size = Size(word);
            if (lines.Count > 0 && Math.Abs(lines[^1].Baseline - word.BoundingBox.Bottom) <= 0.4 * Math.Max(size, lines[^1].Size))
                lines[^1].Words.Add(word);
            else lines.Add((word.BoundingBox.Bottom, size, [word]));
        }
        return lines.Select(l =>
        {
            var segments = new List<Segment>();
            foreach (var word in l.Words.OrderBy(w => w.BoundingBox.Left))
            {
                if (segments.Count > 0 && word.BoundingBox.Left - segments[^1].Right < ColumnGap * l.Size)
                {
                    segments[^1].Words.Add(word);
                    segments[^1] = segments[^1] with { Right = Math.Max(segments[^1].Right, word.BoundingBox.Right) };
                }
                else segments.Add(new Segment(word.BoundingBox.Left, word.BoundingBox.Right, [word]));
            }
            return new Line(l.Baseline, l.Size, segments);
        }).ToList();
    }

    private static double Size(Word word) => word.Letters.Count == 0 ? word.BoundingBox.Height : word.Letters.Average(l => l.PointSize);
}
