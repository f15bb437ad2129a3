using KnowledgeBase.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Tests.Operations;

/// <summary>The settings classes are bound from the environment variables and checked once: an out-of-range value, a
/// value of the wrong kind or a contradiction between settings is refused with one line naming the variable.</summary>
public sealed class ConfigurationBindingTests
{
    [Theory]
    [InlineData("RETRIEVAL_TOP_K", "99")]
    [InlineData("RATE_LIMIT_PER_MINUTE", "0")]
    [InlineData("ANSWER_GATE_MIN_COVERAGE", "1.5")]
    [InlineData("QUERY_REWRITE_MAX_QUERIES", "9")]
    [InlineData("CHUNK_OVERLAP_TOKENS", "500")]
    [InlineData("ANSWER_GATE", "maybe")]
    [InlineData("MAX_UPLOAD_MB", "lots")]
    public void A_bad_setting_is_refused_with_one_line_naming_it(string variable, string value)
    {
        var services = new ServiceCollection().AddKnowledgeBaseOptions(Config((variable, value)));
        using var provider = services.BuildServiceProvider();

        var error = Assert.ThrowsAny<Exception>(() => Read(provider));
        var line = ConfigurationErrors.Describe(error);

        Assert.NotNull(line);
        Assert.DoesNotContain('\n', line);
        Assert.Contains(variable, line);
    }

    [Fact]
    public void Settings_are_read_from_their_variables_and_unset_ones_keep_their_defaults()
    {
        var config = Config(("CHUNK_TOKENS", "800"), ("MAX_UPLOAD_MB", "7"), ("QUERY_REWRITE", "false"), ("DAILY_TOKEN_BUDGET", "5000"),
            ("ANSWER_GATE_MIN_COVERAGE", "0.25"), ("CHAT_MODEL_IDLE_TIMEOUT_SECONDS", "9"));
        using var provider = new ServiceCollection().AddKnowledgeBaseOptions(config).BuildServiceProvider();

        var kb = provider.GetRequiredService<IOptions<KnowledgeBaseOptions>>().Value;
        Assert.Equal(800, kb.ChunkTokens);
        Assert.Equal(60, kb.ChunkOverlapTokens);
        Assert.Equal(7L * 1024 * 1024, kb.MaxUploadBytes);
        Assert.Equal(TimeSpan.FromSeconds(9), kb.ModelIdleTimeout);
        Assert.False(provider.GetRequiredService<IOptions<KnowledgeBase.Grains.Chat.QueryRewriteOptions>>().Value.Enabled);
        Assert.Equal(5000, provider.GetRequiredService<IOptions<LimitsOptions>>().Value.DailyTokens);
        Assert.Equal(0.25, provider.GetRequiredService<IOptions<KnowledgeBase.Grains.Retrieval.AnswerOptions>>().Value.GateMinCoverage);
        Assert.Equal(kb.ChunkTokens, KnowledgeBaseConfiguration.Load(config).ChunkTokens);
    }

    private static void Read(IServiceProvider provider)
    {
        _ = provider.GetRequiredService<IOptions<KnowledgeBaseOptions>>().Value;
        _ = provider.GetRequiredService<IOptions<LimitsOptions>>().Value;
        _ = provider.GetRequiredService<IOptions<KnowledgeBase.Grains.Retrieval.AnswerOptions>>().Value;
        _ = provider.GetRequiredService<IOptions<KnowledgeBase.Grains.Chat.QueryRewriteOptions>>().Value;
    }

    private static IConfiguration Config(params (string Key, string Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
}
