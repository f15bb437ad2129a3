using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Accounting;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Tests.Chat;

public sealed class SettingsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static string TempDir() => Path.Combine(Path.GetTempPath(), "kb-settings-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void The_start_up_summary_names_servers_without_the_credentials_in_their_urls()
    {
        var config = Config(("OPENAI_API_KEY", "sk-summary-test"), ("OPENAI_BASE_URL", "https://svc:pw-openai-77@llm.soosan.com:8443/v1?key=q-secret"),
            ("CHROMA_URL", "http://chroma:pw-chroma-88@chroma.internal:8000"));
        var settings = ApiSettings.Load(config, TempDir());
        using var logs = new KnowledgeBase.Tests.Models.CapturingLoggerProvider();
        using var factory = logs.CreateFactory();
        var mailer = new KnowledgeBase.Api.Accounts.LogAccountMailer(factory.CreateLogger<KnowledgeBase.Api.Accounts.LogAccountMailer>(), settings);

        var summary = SecurityHosting.Describe(config, settings, new KnowledgeBaseOptions { DataDir = TempDir() }, mailer, ["http://localhost:8000"]);

        Assert.Contains("https://llm.soosan.com:8443", summary);
        Assert.Contains("http://chroma.internal:8000", summary);
        foreach (var secret in new[] { "pw-openai-77", "q-secret", "pw-chroma-88", "sk-summary-test" })
            Assert.DoesNotContain(secret, summary);
    }

    [Theory]
    [InlineData("APP_ENV", "dev")]
    [InlineData("APP_ENV", "prod")]
    [InlineData("STRICT_ENV", "true")]
    public void Without_JWT_SECRET_a_random_key_is_generated_once_and_kept_owner_only(string key, string value)
    {
        var dir = TempDir();
        var first = ApiSettings.Load(Config((key, value)), dir);
        var again = ApiSettings.Load(Config((key, value)), dir);
        var elsewhere = ApiSettings.Load(Config((key, value)), TempDir());
        Assert.Equal(32, first.JwtKey.Length);
        Assert.Equal(first.JwtKey, again.JwtKey);
        Assert.NotEqual(first.JwtKey, elsewhere.JwtKey);
        var file = Path.Combine(dir, ApiSettings.KeyFileName);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Contains(file, first.JwtKeySource);
        Assert.DoesNotContain(Convert.ToBase64String(first.JwtKey), first.JwtKeySource);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Placeholder_and_short_secrets_are_refused_in_every_environment(string appEnv)
    {
        // The value k8s/base/secret.example.yaml ships: the dev overlay used to accept it.
        var example = System.Text.RegularExpressions.Regex.Match(Deployment.Repo.Read("k8s/base/secret.example.yaml"), @"JWT_SECRET:\s*(\S+)").Groups[1].Value;
        Assert.StartsWith("change-me", example);
        var placeholder = Assert.Throws<ConfigurationException>(() => ApiSettings.Load(Config(("APP_ENV", appEnv), ("JWT_SECRET", example)), TempDir()));
        Assert.Contains("JWT_SECRET", placeholder.Message);
        Assert.Throws<ConfigurationException>(() => ApiSettings.Load(Config(("APP_ENV", appEnv), ("JWT_SECRET", "short")), TempDir()));
        var given = ApiSettings.Load(Config(("APP_ENV", appEnv), ("JWT_SECRET", new string('k', 48))), TempDir());
        Assert.Equal("JWT_SECRET", given.JwtKeySource);
    }

    [Fact]
    public void Dev_mode_has_default_domains_short_access_tokens_and_open_sign_up()
    {
        var settings = ApiSettings.Load(Config(), TempDir());
        Assert.False(settings.Strict);
        Assert.Equal(["soosan.com", "soosan.co.kr"], settings.EmailDomains.Order().Reverse());
        Assert.Equal(900, settings.JwtExpiresInSeconds);
        Assert.Equal(SignupMode.Open, settings.Signup);
        Assert.Throws<ConfigurationException>(() => ApiSettings.Load(Config(("SIGNUP_MODE", "closed")), TempDir()));
        Assert.Throws<ConfigurationException>(() => ApiSettings.Load(Config(("KNOWN_PROXIES", "proxy.internal")), TempDir()));
    }

    [Theory]
    [InlineData("sqlite:///data/users.db", DatabaseDialect.Sqlite, "users.db")]
    [InlineData("postgres://kb:p%40ss@db.internal:5433/kb", DatabaseDialect.PostgreSql, "Port=5433")]
    [InlineData("sqlserver://sa:Secret1!@sql:1433/kb", DatabaseDialect.SqlServer, "Server=sql,1433")]
    public void Database_url_selects_the_dialect(string url, DatabaseDialect dialect, string fragment)
    {
        var options = DatabaseOptions.Parse(url, Path.GetTempPath());
        Assert.Equal(dialect, options.Dialect);
        Assert.Contains(fragment, options.ConnectionString);
        Assert.DoesNotContain("p@ss", options.ToString());
    }

    [Fact]
    public void Price_table_defaults_and_overrides()
    {
        var prices = new PriceTable();
        Assert.Equal(0.00075m, prices.Cost("gpt-4o-mini", 1000, 1000));
        Assert.Equal(0.00002m, prices.Cost("text-embedding-3-small", 1000, 0));
        Assert.Equal(0m, prices.Cost("offline-extractive", 1000, 1000));
        Assert.Equal(0.003m, new PriceTable("gpt-4o-mini=1/2").Cost("gpt-4o-mini", 1000, 1000));
        Assert.Throws<ArgumentException>(() => new PriceTable("gpt-4o-mini=cheap"));
    }
}
