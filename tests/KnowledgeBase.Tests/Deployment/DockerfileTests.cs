using System.Xml.Linq;

namespace KnowledgeBase.Tests.Deployment;

/// <summary>The one Dockerfile, read line by line: each target (api, silo) built with the SDK and run on the aspnet
/// runtime as a non-root user with the right entry point, and every file it copies present in the build context.</summary>
public class DockerfileTests
{
    private static Dockerfile File => Dockerfile.Load(Dockerfile.Repository);

    public static TheoryData<string, string> Images => new()
    {
        { "api", "api/KnowledgeBase.Api.csproj" },
        { "silo", "silo/KnowledgeBase.Silo.csproj" },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void Builds_with_the_sdk_and_runs_on_the_aspnet_runtime(string target, string _)
    {
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", File.All("FROM").First().Arguments);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", File.Target(target).BaseImage);
        var copiedFrom = File.Target(target).Instructions.Where(i => i.Keyword == "COPY" && i.Arguments.Contains("--from=", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(copiedFrom);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Each_target_runs_as_a_non_root_user(string target, string _)
    {
        var image = File.Target(target).Instructions;
        var user = image.LastOrDefault(i => i.Keyword == "USER")?.Arguments;
        Assert.NotNull(user);
        Assert.DoesNotContain(user.Split(':')[0], new[] { "root", "0" });
        // Nothing after USER may switch back.
        Assert.DoesNotContain(image.SkipWhile(i => i.Keyword != "USER").Skip(1), i => i.Keyword == "USER");
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Entrypoint_runs_the_projects_assembly(string target, string project)
    {
        var csproj = XDocument.Load(Repo.PathOf(project));
        var assembly = csproj.Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(project);
        Assert.Equal(new[] { "dotnet", assembly + ".dll" }, File.Target(target).Entrypoint());
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Copies_what_restore_needs_first_and_every_source_exists(string _, string project)
    {
        var copies = File.ContextCopies().ToList();
        foreach (var (source, _) in copies)
            Assert.True(Repo.Exists(source.TrimEnd('/')), $"The Dockerfile copies {source}, which is not in the repository.");

        var restore = File.IndexOf(i => i.Keyword == "RUN" && i.Arguments.Contains($"dotnet restore {project}", StringComparison.Ordinal));
        Assert.True(restore > 0, $"The Dockerfile should restore {project} in its own layer.");
        var beforeRestore = copies.Where(c => c.Index < restore).Select(c => c.Source).ToHashSet();
        var needed = ProjectClosure(project).Append("Directory.Build.props").Append("Directory.Packages.props");
        foreach (var file in needed)
            Assert.True(beforeRestore.Contains(file), $"The Dockerfile must copy {file} before `dotnet restore` (layer caching, central package versions).");
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Working_folders_are_set_and_owned_by_the_app_user(string target, string _)
    {
        var image = File.Target(target);
        var env = image.Environment();
        var chown = string.Join(' ', image.Instructions.Where(i => i.Keyword == "RUN" && i.Arguments.Contains("chown")).Select(i => i.Arguments));
        foreach (var variable in new[] { "DATA_DIR", "STORAGE_DIR", "LOG_DIR" })
        {
            Assert.True(env.TryGetValue(variable, out var folder) && folder.StartsWith('/'), $"{target} should set {variable} to an absolute path.");
            Assert.True(chown.Contains(folder!, StringComparison.Ordinal) || chown.Contains(Path.GetDirectoryName(folder)!.Replace('\\', '/'), StringComparison.Ordinal),
                $"{target}: {folder} must be writable by the app user.");
        }
    }

    [Fact]
    public void Api_image_listens_on_every_interface_at_the_api_port()
    {
        var image = File.Target("api");
        var port = new Uri(KnowledgeBase.Api.Hosting.ApiHostingExtensions.DefaultUrl).Port;
        Assert.Equal($"http://+:{port}", image.Environment()["ASPNETCORE_URLS"]);
        Assert.Contains(port, image.ExposedPorts());
        Assert.Equal("client", image.Environment()["ORLEANS_MODE"]);
    }

    [Fact]
    public void Silo_image_exposes_the_ports_the_code_defaults_to()
    {
        var image = File.Target("silo");
        var env = image.Environment();
        Assert.False(env.ContainsKey("ASPNETCORE_URLS"), "ASPNETCORE_URLS would override SILO_HTTP_PORT.");
        Assert.False(env.ContainsKey("ORLEANS_MODE"), "The silo image must not inherit the api's client mode.");
        var expected = new Dictionary<string, int>
        {
            ["SILO_HTTP_PORT"] = Repo.IntDefault("silo/Program.cs", "SILO_HTTP_PORT"),
            ["SILO_PORT"] = Repo.IntDefault("grains/Hosting/SiloHostingExtensions.cs", "SILO_PORT"),
            ["GATEWAY_PORT"] = Repo.IntDefault("grains/Hosting/SiloHostingExtensions.cs", "GATEWAY_PORT"),
        };
        foreach (var (variable, port) in expected)
        {
            Assert.Equal(port.ToString(), env[variable]);
            Assert.Contains(port, image.ExposedPorts());
        }
    }

    [Fact]
    public void Dockerignore_keeps_build_output_and_local_state_out_but_not_the_sources()
    {
        var ignored = Repo.Read(".dockerignore").Split('\n').Select(l => l.Trim().TrimEnd('/')).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet();
        foreach (var pattern in new[] { "**/bin", "**/obj", "**/node_modules", ".git", ".env", "data", "storage", "logs", "artifacts" })
            Assert.Contains(pattern, ignored);
        foreach (var (source, _) in File.ContextCopies())
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
