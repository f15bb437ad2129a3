using System.Diagnostics;
using k8s;
using k8s.Models;

namespace KnowledgeBase.Tests.Deployment;

/// <summary>A set of Kubernetes objects loaded into the client's object model (strict: an unknown field fails),
/// either the base's resource files or an overlay rendered by `kubectl kustomize`.</summary>
internal sealed class ManifestSet
{
    public required string Name { get; init; }
    public required IReadOnlyList<object> Objects { get; init; }

    public IEnumerable<T> Of<T>() => Objects.OfType<T>();

    public V1Deployment Deployment(string name) => Of<V1Deployment>().Single(d => d.Metadata.Name == name);

    public static IReadOnlyList<object> LoadFile(string relative) =>
        KubernetesYaml.LoadAllFromString(Repo.Read(relative), typeMap: null, strict: true);

    /// <summary>The base, from the files its kustomization lists.</summary>
    public static ManifestSet Base() => new()
    {
        Name = "base",
        Objects = Kustomization.Load("k8s/base").Resources.SelectMany(LoadFile).ToList(),
    };

    /// <summary>An overlay rendered by kubectl's built-in kustomize, or null where kubectl is not installed.</summary>
    public static ManifestSet? Rendered(string overlay)
    {
        var kubectl = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "kubectl")).FirstOrDefault(File.Exists);
        if (kubectl is null) return null;
        var start = new ProcessStartInfo(kubectl, ["kustomize", Repo.PathOf(overlay)])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000)) { process.Kill(); throw new TimeoutException("kubectl kustomize " + overlay); }
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {overlay} failed: {error.Result}");
        return new ManifestSet { Name = overlay, Objects = KubernetesYaml.LoadAllFromString(output.Result, typeMap: null, strict: true) };
    }

    /// <summary>The Secret template (k8s/base/secret.example.yaml), which the kustomizations deliberately leave out.</summary>
    public static V1Secret SecretTemplate() => LoadFile(SecretTemplatePath).OfType<V1Secret>().Single();

    public const string SecretTemplatePath = "k8s/base/secret.example.yaml";
}

/// <summary>A kustomization.yaml: its resources and patch files as repository-relative paths, and its images.</summary>
internal sealed class Kustomization
{
    public required string Folder { get; init; }
    public required IReadOnlyList<string> Resources { get; init; }
    public required IReadOnlyList<string> ResourceFolders { get; init; }
    public required IReadOnlyList<string> Patches { get; init; }
    public required IReadOnlyList<Dictionary<string, object?>> Images { get; init; }
    public required Dictionary<string, object?> Root { get; init; }

    public static Kustomization Load(string folder)
    {
        var root = Yaml.LoadFile($"{folder}/kustomization.yaml");
        string Rel(string p) => Path.GetRelativePath(Repo.Root, Path.GetFullPath(Path.Combine(Repo.PathOf(folder), p))).Replace('\\', '/');
        var resources = Yaml.List(root.GetValueOrDefault("resources")).Select(r => Rel(Yaml.Str(r)!)).ToList();
        return new Kustomization
        {
            Folder = folder,
            Root = root,
            Resources = resources.Where(r => !Directory.Exists(Repo.PathOf(r))).ToList(),
            ResourceFolders = resources.Where(r => Directory.Exists(Repo.PathOf(r))).ToList(),
            Patches = Yaml.List(root.GetValueOrDefault("patches")).Select(p => Rel(Yaml.Str(Yaml.Map(p)!["path"])!)).ToList(),
            Images = Yaml.List(root.GetValueOrDefault("images")).Select(i => Yaml.Map(i)!).ToList(),
        };
    }
}

/// <summary>What a container runs with: its image's ENV, the ConfigMaps it imports whole, and its own env.</summary>
internal static class ContainerEnvironment
{
    /// <summary>The Dockerfile target that builds the container's image.</summary>
    public static string ImageTarget(V1Container container) => container.Name switch
    {
        "api" or "silo" => container.Name,
        _ => throw new Xunit.Sdk.XunitException($"No Dockerfile target known for container {container.Name}."),
    };

    /// <summary>Name to value; a value from a Secret or the downward API shows as "(from ...)".</summary>
    public static IReadOnlyDictionary<string, string> Effective(ManifestSet set, V1Container container)
    {
        var env = new Dictionary<string, string>(Dockerfile.Load(Dockerfile.Repository).Target(ImageTarget(container)).Environment());
        foreach (var source in container.EnvFrom ?? [])
        {
            if (source.ConfigMapRef is { } cm)
                foreach (var (k, v) in set.Of<V1ConfigMap>().Single(c => c.Metadata.Name == cm.Name).Data ?? new Dictionary<string, string>())
                    env[k] = v;
            if (source.SecretRef is { } secret)
                foreach (var k in ManifestSet.SecretTemplate().StringData.Keys) env[k] = $"(from secret {secret.Name})";
        }
        foreach (var e in container.Env ?? [])
            env[e.Name] = e.Value ?? (e.ValueFrom?.FieldRef is { } f ? $"(from field {f.FieldPath})" : "(from " + (e.ValueFrom?.SecretKeyRef is not null ? "secret" : "config") + ")");
        return env;
    }
}
