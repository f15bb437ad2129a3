using System.Xml.Linq;

namespace KnowledgeBase.Tests.Deployment;

/// <summary>The api and silo Dockerfiles, read line by line: multi-stage, non-root, the right entry point, and
/// every file they copy present in the build context.</summary>
public class DockerfileTests
{
    public static TheoryData<string, string> Images => new()
    {
        { "api/Dockerfile", "api/KnowledgeBase.Api.csproj" },
        { "silo/Dockerfile", "silo/KnowledgeBase.Silo.csproj" },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void Builds_with_the_sdk_and_runs_on_the_aspnet_runtime(string path, string _)
    {
        var dockerfile = Dockerfile.Load(path);
        Assert.True(dockerfile.StageCount >= 2, "multi-stage: build and runtime");
        var froms = dockerfile.All("FROM").Select(i => i.Arguments).ToList();
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", froms[0]);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", froms[^1]);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Final_stage_runs_as_a_non_root_user(string path, string _)
    {
        var dockerfile = Dockerfile.Load(path);
        var user = dockerfile.InStage(dockerfile.FinalStage).LastOrDefault(i => i.Keyword == "USER")?.Arguments;
        Assert.NotNull(user);
        Assert.DoesNotContain(user.Split(':')[0], new[] { "root", "0" });
        // Nothing after USER may switch back.
        var afterUser = dockerfile.InStage(dockerfile.FinalStage).SkipWhile(i => i.Keyword != "USER").Skip(1);
        Assert.DoesNotContain(afterUser, i => i.Keyword == "USER");
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Entrypoint_runs_the_projects_assembly(string path, string project)
    {
        var csproj = XDocument.Load(Repo.PathOf(project));
        var assembly = csproj.Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(project);
        Assert.Equal(new[] { "dotnet", assembly + ".dll" }, Dockerfile.Load(path).Entrypoint());
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Copies_what_restore_needs_first_and_every_source_exists(string path, string project)
    {
        var dockerfile = Dockerfile.Load(path);
        var copies = dockerfile.ContextCopies().ToList();
        foreach (var (source, _) in copies)
            Assert.True(Repo.Exists(source.TrimEnd('/')), $"{path} copies {source}, which is not in the repository.");

        var restore = dockerfile.IndexOf(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        Assert.True(restore > 0, $"{path} should restore in its own layer.");
        var beforeRestore = copies.Where(c => c.Index < restore).Select(c => c.Source).ToHashSet();
        var needed = ProjectClosure(project).Append("Directory.Build.props").Append("Directory.Packages.props");
        foreach (var file in needed)
            Assert.True(beforeRestore.Contains(file), $"{path} must copy {file} before `dotnet restore` (layer caching, central package versions).");
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Working_folders_are_set_and_owned_by_the_app_user(string path, string _)
    {
        var dockerfile = Dockerfile.Load(path);
        var env = dockerfile.FinalEnvironment();
        var chown = string.Join(' ', dockerfile.InStage(dockerfile.FinalStage).Where(i => i.Keyword == "RUN" && i.Arguments.Contains("chown")).Select(i => i.Arguments));
        foreach (var variable in new[] { "DATA_DIR", "STORAGE_DIR", "LOG_DIR" })
        {
            Assert.True(env.TryGetValue(variable, out var folder) && folder.StartsWith('/'), $"{path} should set {variable} to an absolute path.");
            Assert.True(chown.Contains(folder!, StringComparison.Ordinal) || chown.Contains(Path.GetDirectoryName(folder)!.Replace('\\', '/'), StringComparison.Ordinal),
                $"{path}: {folder} must be writable by the app user.");
        }
    }

    [Fact]
    public void Api_image_listens_on_every_interface_at_the_api_port()
    {
        var dockerfile = Dockerfile.Load("api/Dockerfile");
        var port = new Uri(KnowledgeBase.Api.Hosting.ApiHostingExtensions.DefaultUrl).Port;
        var urls = dockerfile.FinalEnvironment()["ASPNETCORE_URLS"];
        Assert.Equal($"http://+:{port}", urls);
        Assert.Contains(port, dockerfile.ExposedPorts());
        Assert.Equal("client", dockerfile.FinalEnvironment()["ORLEANS_MODE"]);
    }

    [Fact]
    public void Silo_image_exposes_the_ports_the_code_defaults_to()
    {
        var dockerfile = Dockerfile.Load("silo/Dockerfile");
        var env = dockerfile.FinalEnvironment();
        Assert.False(env.ContainsKey("ASPNETCORE_URLS"), "ASPNETCORE_URLS would override SILO_HTTP_PORT.");
        var expected = new Dictionary<string, int>
        {
            ["SILO_HTTP_PORT"] = Repo.IntDefault("silo/Program.cs", "SILO_HTTP_PORT"),
            ["SILO_PORT"] = Repo.IntDefault("grains/Hosting/SiloHostingExtensions.cs", "SILO_PORT"),
            ["GATEWAY_PORT"] = Repo.IntDefault("grains/Hosting/SiloHostingExtensions.cs", "GATEWAY_PORT"),
        };
        foreach (var (variable, port) in expected)
        {
            Assert.Equal(port.ToString(), env[variable]);
            Assert.Contains(port, dockerfile.ExposedPorts());
        }
    }

    [Fact]
    public void Dockerignore_keeps_build_output_and_local_state_out_but_not_the_sources()
    {
        var ignored = Repo.Read(".dockerignore").Split('\n').Select(l => l.Trim().TrimEnd('/')).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet();
        foreach (var pattern in new[] { "**/bin", "**/obj", "**/node_modules", ".git", ".env", "data", "storage", "logs", "artifacts" })
            Assert.Contains(pattern, ignored);
        foreach (var path in new[] { "api/Dockerfile", "silo/Dockerfile" })
        foreach (var (source, _) in Dockerfile.Load(path).ContextCopies())
            Assert.DoesNotContain(source.Split('/')[0], ignored);
    }

    /// <summary>The project and every project it references, transitively, as repository-relative paths.</summary>
    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>();
        var queue = new Queue<string>([project]);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            if (!seen.Add(current)) continue;
            var folder = Path.GetDirectoryName(Repo.PathOf(current))!;
            foreach (var reference in XDocument.Load(Repo.PathOf(current)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(folder, reference.Attribute("Include")!.Value.Replace('\\', Path.DirectorySeparatorChar)));
                queue.Enqueue(Path.GetRelativePath(Repo.Root, full).Replace(Path.DirectorySeparatorChar, '/'));
            }
        }
        return seen;
    }
}
