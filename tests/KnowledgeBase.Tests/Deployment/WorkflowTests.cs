using System.Text.RegularExpressions;

namespace KnowledgeBase.Tests.Deployment;

/// <summary>The GitHub Actions workflows: they parse, trigger where the release process says, run the same test script
/// as .ci/run, reference only files that exist, and take credentials only from repository secrets.</summary>
public class WorkflowTests
{
    private const string Workflow = ".github/workflows/ci-cd.yml";

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Repo.PathOf(".github/workflows")).Where(f => f.EndsWith(".yml") || f.EndsWith(".yaml")).Order())
            data.Add(Path.GetRelativePath(Repo.Root, file).Replace(Path.DirectorySeparatorChar, '/'));
        return data;
    }

    private sealed record Step(string Job, Dictionary<string, object?> Map, string? WorkingDirectory)
    {
        public string Run => Yaml.Str(Map.GetValueOrDefault("run")) ?? "";
        public Dictionary<string, object?> With => Yaml.MapAt(Map, "with");
    }

    private static Dictionary<string, object?> Jobs(string file) => Yaml.MapAt(Yaml.LoadFile(file), "jobs");

    /// <summary>Every step with the folder (relative to the repository root) its commands run in. A job that checks
    /// this repository out under `path:` runs there; that prefix is the repository root.</summary>
    private static List<Step> Steps(string file)
    {
        var steps = new List<Step>();
        foreach (var (name, node) in Jobs(file))
        {
            var job = Yaml.Map(node)!;
            var list = Yaml.List(job.GetValueOrDefault("steps")).Select(Yaml.Map).OfType<Dictionary<string, object?>>().ToList();
            var checkoutPath = list.Where(s => Yaml.Str(s.GetValueOrDefault("uses"))?.StartsWith("actions/checkout") == true)
                .Select(s => Yaml.MapAt(s, "with")).Where(w => !w.ContainsKey("repository"))
                .Select(w => Yaml.Str(w.GetValueOrDefault("path"))).FirstOrDefault();
            var jobDefault = Yaml.Str(Yaml.MapAt(Yaml.MapAt(job, "defaults"), "run").GetValueOrDefault("working-directory"));
            foreach (var step in list)
            {
                var dir = Yaml.Str(step.GetValueOrDefault("working-directory")) ?? jobDefault ?? ".";
                if (checkoutPath is not null && (dir == checkoutPath || dir.StartsWith(checkoutPath + "/")))
                    dir = dir == checkoutPath ? "." : dir[(checkoutPath.Length + 1)..];
                else if (checkoutPath is not null) dir = null!; // outside the repository (e.g. the container's tool install)
                steps.Add(new Step(name, step, dir));
            }
        }
        return steps;
    }

    private static string Join(string? dir, string path) => dir is null or "." ? path : $"{dir}/{path}";

    [Theory, MemberData(nameof(Files))]
    public void Workflow_parses_and_every_job_runs_on_an_ubuntu_or_debian_runner(string file)
    {
        var jobs = Jobs(file);
        Assert.NotEmpty(jobs);
        foreach (var (name, node) in jobs)
        {
            var job = Yaml.Map(node)!;
            Assert.Matches("^(ubuntu|debian)", Yaml.Str(job.GetValueOrDefault("runs-on")) ?? "");
            Assert.True(Yaml.List(job.GetValueOrDefault("steps")).Count > 0, $"{file}: job {name} has no steps");
            if (job.GetValueOrDefault("container") is { } container)
                Assert.Matches("^(debian|ubuntu)", Yaml.Str(container) ?? Yaml.Str(Yaml.Map(container)?.GetValueOrDefault("image")) ?? "");
        }
    }

    [Fact]
    public void Tests_run_on_pull_requests_and_main_images_and_staging_on_main_production_on_version_tags()
    {
        var on = Yaml.MapAt(Yaml.LoadFile(Workflow), "on");
        Assert.Contains("main", Yaml.List(Yaml.MapAt(on, "pull_request").GetValueOrDefault("branches")).Select(Yaml.Str));
        var push = Yaml.MapAt(on, "push");
        Assert.Contains("main", Yaml.List(push.GetValueOrDefault("branches")).Select(Yaml.Str));
        Assert.Contains("v*", Yaml.List(push.GetValueOrDefault("tags")).Select(Yaml.Str));

        var jobs = Jobs(Workflow).ToDictionary(j => j.Key, j => Yaml.Map(j.Value)!);
        string? If(string job) => Yaml.Str(jobs[job].GetValueOrDefault("if"));
        IEnumerable<string?> Needs(string job) => jobs[job].GetValueOrDefault("needs") is string one ? [one] : Yaml.List(jobs[job].GetValueOrDefault("needs")).Select(Yaml.Str);

        Assert.Null(If("test"));
        Assert.Contains("test", Needs("images"));
        Assert.Contains("push", If("images"));
        Assert.Contains("images", Needs("deploy-staging"));
        Assert.Contains("refs/heads/main", If("deploy-staging"));
        Assert.Contains("images", Needs("deploy-production"));
        Assert.Contains("refs/tags/v", If("deploy-production"));
        Assert.Equal("production", Yaml.Str(jobs["deploy-production"].GetValueOrDefault("environment")));
    }

    [Fact]
    public void The_test_job_calls_the_same_script_as_ci_run()
    {
        var script = Regex.Match(Repo.Read(".ci/run"), @"exec\s+bash\s+(\S+)").Groups[1].Value;
        Assert.Equal(".ci/test.sh", script);
        var testSteps = Steps(Workflow).Where(s => s.Job == "test").ToList();
        var call = Assert.Single(testSteps, s => Regex.IsMatch(s.Run, $@"\bbash\s+{Regex.Escape(script)}\b"));
        Assert.Equal(".", call.WorkingDirectory);
    }

    [Theory, MemberData(nameof(Files))]
    public void Every_script_dockerfile_and_kustomization_a_workflow_references_exists(string file)
    {
        var namespaces = new Dictionary<string, string>();
        foreach (var step in Steps(file))
        {
            if (Yaml.Str(step.With.GetValueOrDefault("file")) is { } dockerfile)
            {
                Assert.True(Repo.Exists(dockerfile), $"{file}: {dockerfile} does not exist");
                Assert.True(Repo.Exists(Yaml.Str(step.With.GetValueOrDefault("context")) ?? "."), $"{file}: build context of {dockerfile}");
            }
            if (step.WorkingDirectory is not (null or "."))
                Assert.True(Repo.Exists(step.WorkingDirectory), $"{file}: working-directory {step.WorkingDirectory} does not exist");

            foreach (Match m in Regex.Matches(step.Run, @"\bbash\s+(\S+\.sh)\b"))
                Assert.True(Repo.Exists(Join(step.WorkingDirectory, m.Groups[1].Value)), $"{file}: script {m.Groups[1].Value} does not exist");

            foreach (Match m in Regex.Matches(step.Run, @"kubectl\s+apply\s+-k\s+(\S+)"))
            {
                var overlay = Join(step.WorkingDirectory, m.Groups[1].Value);
                Assert.True(Repo.Exists(overlay + "/kustomization.yaml"), $"{file}: {overlay} has no kustomization.yaml");
                namespaces[step.Job] = Yaml.Str(Yaml.LoadFile(overlay + "/kustomization.yaml").GetValueOrDefault("namespace"))!;
            }

            if (Regex.Match(step.Run, @"kustomize\s+edit\s+set\s+image\s+(.+)") is { Success: true } edit)
            {
                var kustomization = Join(step.WorkingDirectory, "kustomization.yaml");
                Assert.True(Repo.Exists(kustomization), $"{file}: kustomize edit runs where there is no kustomization.yaml ({step.WorkingDirectory})");
                var declared = Yaml.List(Yaml.LoadFile(kustomization).GetValueOrDefault("images")).Select(i => Yaml.Str(Yaml.Map(i)?.GetValueOrDefault("name"))).ToHashSet();
                foreach (var name in edit.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a.Trim('"').Split('=')[0]))
                    Assert.True(declared.Contains(name), $"{file}: image {name} is not declared in {kustomization}");
            }
        }

        var deployments = Directory.EnumerateFiles(Repo.PathOf("k8s/base"), "*.yaml")
            .Select(f => Yaml.LoadString(File.ReadAllText(f)))
            .Where(d => Yaml.Str(d.GetValueOrDefault("kind")) == "Deployment")
            .Select(d => Yaml.Str(Yaml.MapAt(d, "metadata").GetValueOrDefault("name")))
            .ToHashSet();
        foreach (var step in Steps(file))
            foreach (Match m in Regex.Matches(step.Run, @"kubectl\s+-n\s+(\S+)\s+rollout\s+status\s+deployment/(\S+)"))
            {
                Assert.True(deployments.Contains(m.Groups[2].Value), $"{file}: no Deployment {m.Groups[2].Value} in k8s/base");
                Assert.Equal(namespaces.GetValueOrDefault(step.Job), m.Groups[1].Value);
            }
    }

    [Theory, MemberData(nameof(Files))]
    public void Credentials_come_only_from_repository_secrets(string file)
    {
        foreach (var step in Steps(file))
        {
            var values = step.With.Concat(Yaml.MapAt(step.Map, "env"));
            foreach (var (key, value) in values)
                if (Regex.IsMatch(key, "password|token|kubeconfig|secret|key", RegexOptions.IgnoreCase))
                    Assert.Matches(@"^\$\{\{\s*secrets\.\w+(\s*\|\|\s*github\.token)?\s*\}\}$", Yaml.Str(value) ?? "");
        }
        Assert.DoesNotMatch(@"(?i)(password|token|secret)\s*[:=]\s*[""']?[A-Za-z0-9+/]{16,}", Repo.Read(file));
    }
}
