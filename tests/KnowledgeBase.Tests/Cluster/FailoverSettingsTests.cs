using KnowledgeBase.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;

namespace KnowledgeBase.Tests.Cluster;

public sealed class FailoverSettingsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Failure_detection_and_response_timeout_come_from_the_environment()
    {
        var config = Config(("MEMBERSHIP_PROBE_TIMEOUT_SECONDS", "2"), ("MEMBERSHIP_MISSED_PROBES", "2"), ("ORLEANS_RESPONSE_TIMEOUT_SECONDS", "20"));
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.ConfigureFailureDetection(config));
        using var host = builder.Build();

        var membership = host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(2), membership.ProbeTimeout);
        Assert.Equal(2, membership.NumMissedProbesLimit);
        Assert.Equal(TimeSpan.FromSeconds(20), host.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value.ResponseTimeout);
    }

    [Fact]
    public void Unset_failover_settings_declare_a_silent_silo_dead_within_20_s()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.ConfigureFailureDetection(Config()));
        using var host = builder.Build();

        var membership = host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        // Suspected after the missed probes, then declared dead once a second silo's probes agree: well inside 20 s.
        Assert.True(membership.ProbeTimeout * membership.NumMissedProbesLimit <= TimeSpan.FromSeconds(10),
            $"{membership.ProbeTimeout} x {membership.NumMissedProbesLimit}");
        Assert.Equal(TimeSpan.FromSeconds(30), host.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value.ResponseTimeout);
    }

    [Theory]
    [InlineData("MEMBERSHIP_MISSED_PROBES", "0")]
    [InlineData("MEMBERSHIP_PROBE_TIMEOUT_SECONDS", "soon")]
    [InlineData("ORLEANS_RESPONSE_TIMEOUT_SECONDS", "-1")]
    public void A_bad_failover_setting_stops_start_up_naming_the_variable(string name, string value)
    {
        var error = Assert.Throws<ConfigurationException>(() =>
        {
            var builder = Host.CreateApplicationBuilder();
            builder.UseOrleans(silo => silo.ConfigureFailureDetection(Config((name, value))));
            using var host = builder.Build();
            _ = host.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value;
        });
        Assert.Contains(name, error.Message);
    }
}
