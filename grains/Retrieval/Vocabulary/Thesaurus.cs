using System.Reflection;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>A group of interchangeable terms; the first is the preferred (formal, statutory) one that documents use.</summary>
public sealed record SynonymSet(string Domain, IReadOnlyList<string> Terms);

/// <summary>The workplace thesaurus shipped with the product (Retrieval/Thesaurus/*.tsv, embedded): one line per entry,
/// <c>domain TAB formal term TAB variant|variant|…</c>; blank lines and lines starting with # are skipped.</summary>
public static class Thesaurus
{
    private static readonly Lazy<IReadOnlyList<SynonymSet>> Embedded = new(LoadEmbedded);

    /// <summary>Every entry of every embedded thesaurus file, loaded once.</summary>
    public static IReadOnlyList<SynonymSet> Workplace => Embedded.Value;

    public static IReadOnlyList<SynonymSet> Parse(TextReader reader)
    {
        var sets = new List<SynonymSet>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var columns = line.Split('\t');
            if (columns.Length < 3 || columns[0].Trim().Equals("domain", StringComparison.OrdinalIgnoreCase)) continue;
            var terms = new List<string> { columns[1].Trim() };
            terms.AddRange(columns[2].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            var distinct = terms.Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (distinct.Count >= 2) sets.Add(new SynonymSet(columns[0].Trim(), distinct));
        }
        return sets;
    }

    private static IReadOnlyList<SynonymSet> LoadEmbedded()
    {
        var assembly = typeof(Thesaurus).Assembly;
        var sets = new List<SynonymSet>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.Contains(".Thesaurus.", StringComparison.Ordinal) && n.EndsWith(".tsv", StringComparison.Ordinal)).Order())
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            sets.AddRange(Parse(reader));
        }
        return sets;
    }
}
