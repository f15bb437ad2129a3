using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Accounting;
using KnowledgeBase.Grains.Storage;
using Microsoft.Extensions.Configuration;

namespace KnowledgeBase.Tests.Chat;

public sealed class SettingsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Theory]
    [InlineData("APP_ENV", "prod")]
    [InlineData("STRICT_ENV", "true")]
    public void Prod_mode_refuses_to_start_without_a_real_jwt_secret(string key, string value)
    {
        var missing = Assert.Throws<InvalidOperationException>(() => ApiSettings.Load(Config((key, value))));
        Assert.Contains("JWT_SECRET", missing.Message);
        var dev = Assert.Throws<InvalidOperationException>(() => ApiSettings.Load(Config((key, value), ("JWT_SECRET", ApiSettings.DevJwtSecret))));
        Assert.Contains("JWT_SECRET", dev.Message);
        Assert.Throws<InvalidOperationException>(() => ApiSettings.Load(Config((key, value), ("JWT_SECRET", "short"))));
        Assert.True(ApiSettings.Load(Config((key, value), ("JWT_SECRET", new string('k', 48)))).Strict);
    }

    [Fact]
    public void Dev_mode_starts_with_the_development_secret_and_default_domains()
    {
        var settings = ApiSettings.Load(Config());
        Assert.False(settings.Strict);
        Assert.Equal(["soosan.com", "soosan.co.kr"], settings.EmailDomains.Order().Reverse());
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
