using System.Globalization;
using System.Text.RegularExpressions;

namespace KnowledgeBase.Tests.Operations;

/// <summary>Reads the Prometheus text exposition format and PromQL expressions, as far as these tests need.</summary>
public static partial class PrometheusText
{
    /// <summary>Series Prometheus itself creates for every target, not exported by the product.</summary>
    public static readonly IReadOnlySet<string> Synthetic = new HashSet<string> { "up" };

    private static readonly HashSet<string> Keywords = ["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan"];

    /// <summary>Every series name in a scrape (histograms as their _bucket, _sum and _count series).</summary>
    public static IReadOnlySet<string> MetricNames(string exposition) => Samples(exposition).Select(s => s.Name).ToHashSet();

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public static double Sum(string exposition, string name, params (string Key, string Value)[] labels) => Samples(exposition)
        .Where(s => s.Name == name && labels.All(l => s.Labels.Contains($"{l.Key}=\"{l.Value}\"", StringComparison.Ordinal)))
        .Sum(s => s.Value);

    /// <summary>The metric names a PromQL expression reads: what remains once label matchers, ranges, grouping
    /// clauses, strings, Grafana variables, functions and keywords are taken out.</summary>
    public static IReadOnlySet<string> MetricsIn(string promQl)
    {
        var text = Regex.Replace(promQl, @"""(?:[^""\\]|\\.)*""", " ");
        text = Regex.Replace(text, @"\{[^}]*\}", " ");
        text = Regex.Replace(text, @"\[[^\]]*\]", " ");
        text = Regex.Replace(text, @"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ");
        text = Regex.Replace(text, @"\$\w+", " ");
        return Identifier().Matches(text)
            .Where(m => !Regex.IsMatch(text[(m.Index + m.Length)..], @"^\s*\("))
            .Select(m => m.Value)
            .Where(name => !Keywords.Contains(name.ToLowerInvariant()) && !char.IsDigit(name[0]))
            .ToHashSet();
    }

    private static IEnumerable<(string Name, string Labels, double Value)> Samples(string exposition)
    {
        foreach (var line in exposition.Split('\n'))
        {
            var m = Sample().Match(line.TrimEnd('\r'));
            if (!m.Success) continue;
            var raw = m.Groups["value"].Value;
            var value = raw switch { "+Inf" => double.PositiveInfinity, "-Inf" => double.NegativeInfinity, "NaN" => double.NaN, _ => double.Parse(raw, CultureInfo.InvariantCulture) };
            yield return (m.Groups["name"].Value, m.Groups["labels"].Value, value);
        }
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>.*)\})?\s+(?<value>\S+)")]
    private static partial Regex Sample();

    [GeneratedRegex(@"(?<![\w:.])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();
}
