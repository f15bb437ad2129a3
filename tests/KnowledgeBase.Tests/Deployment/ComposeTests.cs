using KnowledgeBase.Api.Hosting;

namespace KnowledgeBase.Tests.Deployment;

/// <summary>docker-compose.yml cannot run here (no Docker engine): these tests parse it and check that services,
/// ports, volumes, files and variables agree with each other, with the Dockerfiles and with the code.</summary>
public class ComposeTests
{
    private static readonly ComposeFile Compose = ComposeFile.Load();
    private static readonly EnvExample Env = EnvExample.Load();

    private static int ApiPort => new Uri(ApiHostingExtensions.DefaultUrl).Port;
    private static int SiloHttpPort => Repo.IntDefault("silo/Program.cs", "SILO_HTTP_PORT");

    [Theory]
    [InlineData("api")]
    [InlineData("silo")]
    [InlineData("redis")]
    [InlineData("chroma")]
    [InlineData("sqlserver")]
    [InlineData("minio")]
    [InlineData("otel-collector")]
    [InlineData("prometheus")]
    [InlineData("grafana")]
    public void Every_service_the_issue_names_exists(string name) => Compose.Service(name);

    [Theory]
    [InlineData("api")]
    [InlineData("silo")]
    public void Api_and_silo_build_their_targets_of_the_one_Dockerfile_with_the_repository_as_context(string service)
    {
        var build = Yaml.MapAt(Compose.Service(service), "build");
        Assert.Equal(".", Yaml.Str(build.GetValueOrDefault("context")));
        Assert.Equal(Dockerfile.Repository, Yaml.Str(build.GetValueOrDefault("dockerfile")));
        Assert.Equal(service, Yaml.Str(build.GetValueOrDefault("target")));
        Dockerfile.Load(Dockerfile.Repository).StageNamed(service);
    }

    [Fact]
    public void Silo_scales_freely_and_outlasts_its_shutdown_timeout()
    {
        var silo = Compose.Service("silo");
        Assert.False(silo.ContainsKey("container_name"), "A fixed container_name stops `--scale silo=N`.");
        Assert.False(silo.ContainsKey("ports"), "Published ports collide between silo replicas.");
        Assert.True(int.Parse(Yaml.Str(Yaml.MapAt(silo, "deploy").GetValueOrDefault("replicas")) ?? "1") >= 2, "silo should start with 2+ replicas.");

        var shutdown = int.Parse(ComposeFile.Resolve(Compose.EffectiveEnvironment("silo").GetValueOrDefault("SHUTDOWN_TIMEOUT_SECONDS")
            ?? Repo.IntDefault("silo/Program.cs", "SHUTDOWN_TIMEOUT_SECONDS").ToString()));
        var grace = ComposeFile.Duration(Yaml.Str(silo.GetValueOrDefault("stop_grace_period")) ?? "10s");
        Assert.True(grace > shutdown, $"stop_grace_period {grace}s must exceed SHUTDOWN_TIMEOUT_SECONDS {shutdown}s, or Docker kills a silo mid-shutdown.");
    }

    [Fact]
    public void Api_is_a_cluster_client_published_on_its_port()
    {
        var env = Compose.EffectiveEnvironment("api");
        Assert.Equal("client", env["ORLEANS_MODE"]);
        Assert.Equal(ApiPort, new Uri(env["ASPNETCORE_URLS"].Replace("+", "localhost")).Port);
        var published = Yaml.List(Compose.Service("api").GetValueOrDefault("ports")).Select(p => Yaml.Str(p)!).ToList();
        Assert.Contains(published, p => p.EndsWith($":{ApiPort}", StringComparison.Ordinal));
        // /metrics stays inside the compose network.
        Assert.DoesNotContain(published, p => p.EndsWith(":" + env["METRICS_PORT"], StringComparison.Ordinal));
    }

    [Fact]
    public void Silo_listens_where_the_code_and_the_probes_expect()
    {
        var env = Compose.EffectiveEnvironment("silo");
        Assert.False(env.ContainsKey("ASPNETCORE_URLS"), "ASPNETCORE_URLS would override SILO_HTTP_PORT in the silo.");
        Assert.Equal(SiloHttpPort.ToString(), ComposeFile.Resolve(env["SILO_HTTP_PORT"]));
        var probe = string.Join(' ', Yaml.List(Yaml.MapAt(Compose.Service("silo"), "healthcheck").GetValueOrDefault("test")).Select(Yaml.Str));
        Assert.Contains($"/{SiloHttpPort}", probe);
        Assert.Contains(KnowledgeBase.Grains.Hosting.HealthHostingExtensions.ReadyPath, probe);
        Assert.Contains("MapKnowledgeBaseHealth", Repo.Read("silo/Program.cs"));
    }

    [Theory]
    [InlineData(AppProcess.Api, "api")]
    [InlineData(AppProcess.Silo, "silo")]
    public void Api_and_silo_get_every_variable_they_read(AppProcess process, string service)
    {
        var env = Compose.EffectiveEnvironment(service);
        var missing = ProcessVariables.RequiredFor(process, Env, kubernetes: false).Where(v => !env.ContainsKey(v)).Order().ToList();
        Assert.True(missing.Count == 0, $"compose service {service} does not set or pass through: {string.Join(", ", missing)}");

        var leaked = ProcessVariables.ForbiddenSecrets(process).Where(env.ContainsKey).ToList();
        Assert.True(leaked.Count == 0, $"compose service {service} receives secrets it does not need: {string.Join(", ", leaked)}");
    }

    [Fact]
    public void Secrets_come_from_the_environment_never_from_the_file()
    {
        foreach (var (serviceName, node) in Compose.Services)
        foreach (var (name, value) in ComposeFile.Environment(Yaml.Map(node)!))
        {
            var secret = ProcessVariables.Secrets.Contains(name) || name.EndsWith("PASSWORD", StringComparison.Ordinal);
            if (secret && name != "DATABASE_URL")
                Assert.True(value.StartsWith("${", StringComparison.Ordinal) && value.EndsWith('}'), $"{serviceName}.{name} must be a ${{...}} interpolation, not a value.");
        }
        // The ones without which the stack must not start say so.
        foreach (var required in new[] { "JWT_SECRET", "MSSQL_SA_PASSWORD", "MINIO_ROOT_PASSWORD" })
            Assert.Contains(Compose.Interpolations(), i => i.Name == required && i.Operator == ":?");
        Assert.Contains("${MSSQL_SA_PASSWORD", Compose.EffectiveEnvironment("silo")["DATABASE_URL"]);
    }

    [Fact]
    public void Every_interpolated_variable_is_documented_in_env_example()
    {
        var undocumented = Compose.Interpolations().Select(i => i.Name).Distinct().Where(n => !Env.Documents(n)).ToList();
        Assert.True(undocumented.Count == 0, "docker-compose.yml uses undocumented variables: " + string.Join(", ", undocumented));
    }

    [Fact]
    public void Interpolation_defaults_never_blank_a_documented_default()
    {
        // "${INTERNAL_EMAIL_DOMAIN:-}" would hand the app an empty value where .env.example promises a real default.
        var blanked = Compose.Interpolations()
            .Where(i => i.Operator is ":-" or "-" && i.Argument.Length == 0)
            .Where(i => Env.Product.GetValueOrDefault(i.Name) is { Length: > 0 })
            .Select(i => i.Name).Distinct().ToList();
        Assert.True(blanked.Count == 0, "These default to empty in compose but not in .env.example: " + string.Join(", ", blanked));
    }

    [Fact]
    public void Named_volumes_are_declared_and_bind_mounts_exist()
    {
        var declared = Yaml.MapAt(Compose.Root, "volumes").Keys.ToHashSet();
        var used = new HashSet<string>();
        foreach (var (serviceName, node) in Compose.Services)
        foreach (var mount in Yaml.List(Yaml.Map(node)!.GetValueOrDefault("volumes")).Select(v => Yaml.Str(v)!))
        {
            var source = ComposeFile.Resolve(mount).Split(':')[0];
            if (source.StartsWith('.') || source.StartsWith('/'))
                Assert.True(Repo.Exists(source), $"{serviceName} mounts {source}, which is not in the repository.");
            else
            {
                Assert.True(declared.Contains(source), $"{serviceName} uses volume '{source}', not declared under volumes:.");
                used.Add(source);
            }
        }
        Assert.Empty(declared.Except(used));
    }

    [Fact]
    public void Depends_on_names_existing_services_with_conditions_they_can_meet()
    {
        foreach (var (serviceName, node) in Compose.Services)
        foreach (var (target, spec) in Yaml.MapAt(Yaml.Map(node)!, "depends_on"))
        {
            Assert.True(Compose.Services.ContainsKey(target), $"{serviceName} depends on unknown service {target}.");
            var condition = Yaml.Str(Yaml.Map(spec)?.GetValueOrDefault("condition")) ?? "service_started";
            var dependency = Compose.Service(target);
            if (condition == "service_healthy")
                Assert.True(dependency.ContainsKey("healthcheck"), $"{serviceName} waits for {target} to be healthy, but {target} has no healthcheck.");
            else if (condition == "service_completed_successfully")
                Assert.Equal("no", Yaml.Str(dependency.GetValueOrDefault("restart")) ?? "no");
            else
                Assert.Equal("service_started", condition);
        }
    }

    [Theory]
    [InlineData("api")]
    [InlineData("silo")]
    public void Urls_handed_to_the_app_point_at_compose_services_on_their_ports(string service)
    {
        var known = new Dictionary<string, int> { ["redis"] = 6379, ["chroma"] = 8000, ["sqlserver"] = 1433, ["minio"] = 9000, ["otel-collector"] = 4317 };
        var checkedAny = false;
        foreach (var (name, raw) in Compose.EffectiveEnvironment(service))
        {
            if (!raw.Contains("://", StringComparison.Ordinal) || name == "ASPNETCORE_URLS") continue;
            if (!Uri.TryCreate(ComposeFile.Resolve(raw), UriKind.Absolute, out var uri) || uri.Host.Length == 0) continue;
            Assert.True(Compose.Services.ContainsKey(uri.Host), $"{service}.{name} points at '{uri.Host}', which is not a compose service.");
            if (known.TryGetValue(uri.Host, out var port)) Assert.Equal(port, uri.Port);
            checkedAny = true;
        }
        Assert.True(checkedAny);
    }

    [Fact]
    public void Redis_keeps_an_append_only_file_on_a_volume()
    {
        var redis = Compose.Service("redis");
        var command = string.Join(' ', Yaml.List(redis.GetValueOrDefault("command")).Select(Yaml.Str));
        Assert.Contains("--appendonly yes", command);
        Assert.Contains(Yaml.List(redis.GetValueOrDefault("volumes")), v => Yaml.Str(v)!.EndsWith(":/data", StringComparison.Ordinal));
    }

    [Fact]
    public void Sql_server_database_in_DATABASE_URL_is_created_before_silos_start()
    {
        var url = new Uri(ComposeFile.Resolve(Compose.EffectiveEnvironment("silo")["DATABASE_URL"]));
        Assert.Equal("sqlserver", url.Scheme);
        var database = url.AbsolutePath.Trim('/');
        var init = string.Join(' ', Yaml.List(Compose.Service("sqlserver-init").GetValueOrDefault("command")).Select(Yaml.Str));
        Assert.Contains($"CREATE DATABASE [{database}]", init);
        Assert.Contains("sqlserver-init", ComposeFile.DependsOn(Compose.Service("silo")));
        Assert.Equal("Y", ComposeFile.Environment(Compose.Service("sqlserver"))["ACCEPT_EULA"]);
    }

    [Fact]
    public void The_bucket_the_app_uses_is_created_before_it_starts()
    {
        var bucket = ComposeFile.Resolve(Compose.EffectiveEnvironment("silo")["S3_BUCKET"]);
        var initBucket = ComposeFile.Resolve(ComposeFile.Environment(Compose.Service("minio-init"))["S3_BUCKET"]);
        Assert.Equal(bucket, initBucket);
        Assert.Contains("mc mb", string.Join(' ', Yaml.List(Compose.Service("minio-init").GetValueOrDefault("command")).Select(Yaml.Str)));
        foreach (var app in new[] { "api", "silo" }) Assert.Contains("minio-init", ComposeFile.DependsOn(Compose.Service(app)));
    }
}
