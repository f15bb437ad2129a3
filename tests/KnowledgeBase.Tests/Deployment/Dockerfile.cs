using System.Text.Json;
using System.Text.RegularExpressions;

namespace KnowledgeBase.Tests.Deployment;

/// <summary>A Dockerfile read instruction by instruction (continuation lines joined, comments dropped), with the
/// stage each instruction belongs to and the stages' names, so that one build target can be read as the image it makes.</summary>
internal sealed class Dockerfile
{
    public sealed record Instruction(string Keyword, string Arguments, int Stage);

    /// <summary>The repository's one Dockerfile, at its root.</summary>
    public const string Repository = "Dockerfile";

    public required string Path { get; init; }
    public required IReadOnlyList<Instruction> Instructions { get; init; }

    public int StageCount => Instructions.Count(i => i.Keyword == "FROM");
    public IEnumerable<Instruction> InStage(int stage) => Instructions.Where(i => i.Stage == stage);
    public IEnumerable<Instruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);

    /// <summary>The stage's number from its `AS` name.</summary>
    public int StageNamed(string name) => All("FROM").SingleOrDefault(i => NameOf(i) == name)?.Stage
        ?? throw new Xunit.Sdk.XunitException($"{Path} has no stage named {name}.");

    /// <summary>The image `--target <paramref name="target"/>` builds: its base image and the instructions of the
    /// target stage and of every stage it is built FROM, in order.</summary>
    public Image Target(string target)
    {
        var chain = new List<int>();
        string from;
        for (var stage = StageNamed(target); ; )
        {
            chain.Insert(0, stage);
            from = InStage(stage).First().Arguments.Split(' ')[0];
            var parent = All("FROM").FirstOrDefault(i => NameOf(i) == from);
            if (parent is null) break;
            stage = parent.Stage;
        }
        return new Image(from, chain.SelectMany(InStage).ToList());
    }

    private static string? NameOf(Instruction from)
    {
        var parts = from.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 3 && parts[^2].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[^1] : null;
    }

    /// <summary>One build target as the container sees it.</summary>
    public sealed record Image(string BaseImage, IReadOnlyList<Instruction> Instructions)
    {
        /// <summary>ENV of the image: what the running container starts with.</summary>
        public IReadOnlyDictionary<string, string> Environment()
        {
            var env = new Dictionary<string, string>();
            foreach (var i in Instructions.Where(i => i.Keyword == "ENV"))
            foreach (Match m in Regex.Matches(i.Arguments, @"([A-Za-z_][A-Za-z0-9_]*)=(""[^""]*""|\S*)"))
                env[m.Groups[1].Value] = m.Groups[2].Value.Trim('"');
            return env;
        }

        public IReadOnlySet<int> ExposedPorts() => Instructions.Where(i => i.Keyword == "EXPOSE")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => int.Parse(p.Split('/')[0])).ToHashSet();

        /// <summary>The exec-form ENTRYPOINT.</summary>
        public string[] Entrypoint() => Instructions.Where(i => i.Keyword == "ENTRYPOINT")
            .Select(i => JsonSerializer.Deserialize<string[]>(i.Arguments)!).LastOrDefault() ?? [];
    }

    /// <summary>Sources of COPY instructions that read the build context (not another stage).</summary>
    public IEnumerable<(string Source, int Index)> ContextCopies() => Instructions
        .Select((instruction, index) => (instruction, index))
        .Where(x => x.instruction.Keyword == "COPY" && !x.instruction.Arguments.Contains("--from", StringComparison.Ordinal))
        .SelectMany(x =>
        {
            var parts = x.instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("--")).ToArray();
            return parts[..^1].Select(source => (source, x.index));
        });

    public int IndexOf(Func<Instruction, bool> predicate) => Instructions.ToList().FindIndex(i => predicate(i));

    public static Dockerfile Load(string relative)
    {
        var logical = new List<string>();
        var current = "";
        foreach (var raw in Repo.Read(relative).Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (current.Length == 0 && line.TrimStart().StartsWith('#')) continue;
            if (line.EndsWith('\\')) { current += line[..^1] + " "; continue; }
            current += line;
            if (current.Trim().Length > 0) logical.Add(Regex.Replace(current.Trim(), @"\s+", " "));
            current = "";
        }

        var stage = -1;
        var instructions = new List<Instruction>();
        foreach (var line in logical)
        {
            var space = line.IndexOf(' ');
            var keyword = (space < 0 ? line : line[..space]).ToUpperInvariant();
            var arguments = space < 0 ? "" : line[(space + 1)..];
            if (keyword == "FROM") stage++;
            instructions.Add(new Instruction(keyword, arguments, stage));
        }
        return new Dockerfile { Path = relative, Instructions = instructions };
    }
}
