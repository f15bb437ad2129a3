namespace KnowledgeBase.Tests.Deployment;

/// <summary>.env.example is the one list of the product's variables; the deployment tests check against it.</summary>
public class EnvironmentVariableTests
{
    [Fact]
    public void The_code_scan_finds_the_variables_it_is_known_to_read()
    {
        var found = CodeVariables.Find();
        // If these go missing the patterns no longer match how the code reads configuration.
        Assert.Superset(new HashSet<string> { "REDIS_URL", "DATABASE_URL", "ORLEANS_MODE", "JWT_SECRET", "OPENAI_API_KEY", "SILO_HTTP_PORT", "MAX_UPLOAD_MB", "POD_IP" },
            found.Keys.ToHashSet());
    }

    [Fact]
    public void Every_variable_the_code_reads_is_documented_in_env_example()
    {
        var env = EnvExample.Load();
        var missing = CodeVariables.Find().Where(kv => !env.Product.ContainsKey(kv.Key)).Select(kv => $"{kv.Key} (read in {kv.Value})").ToList();
        Assert.True(missing.Count == 0, "Read by the code but not documented in .env.example: " + string.Join(", ", missing));
    }

    [Fact]
    public void Env_example_defines_each_variable_once()
    {
        var duplicates = EnvExample.Load().AllNamesInOrder.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, ".env.example defines these more than once: " + string.Join(", ", duplicates));
    }

    [Fact]
    public void Env_example_holds_no_secret_values()
    {
        var env = EnvExample.Load();
        foreach (var name in ProcessVariables.Secrets.Append("MSSQL_SA_PASSWORD").Append("MINIO_ROOT_PASSWORD").Append("GRAFANA_ADMIN_PASSWORD"))
            Assert.True((env.Product.GetValueOrDefault(name) ?? env.ComposeOnly.GetValueOrDefault(name) ?? "") == "",
                $".env.example gives {name} a value; secrets stay empty there.");
    }
}
