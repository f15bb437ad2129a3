using KnowledgeBase.Grains.Hosting;

// A standalone silo: grains and the services they use, plus a small private HTTP port (SILO_HTTP_PORT, default 8081)
// for health probes that never call a grain (a busy silo is not restarted for being busy) and the Prometheus scrape.
// Nothing public routes to this port, so /metrics and the health detail are served to whoever reaches it.
if (KnowledgeBase.Grains.Backup.BackupCommand.Matches(args))
    return await KnowledgeBase.Grains.Backup.BackupCommand.RunAsync(args, new ConfigurationBuilder().AddEnvironmentVariables().Build(), Console.Out);

// A bad setting stops start-up with one line naming the variable (ConfigurationErrors).
return await ConfigurationErrors.RunAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.Configuration.AddQuietLoggingDefaults();
    var httpPort = KnowledgeBaseSettings.Int(builder.Configuration, "SILO_HTTP_PORT", 8081, 1, 65535);
    if (string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        builder.WebHost.UseUrls($"http://0.0.0.0:{httpPort}");
    builder.UseOrleans(silo => silo.AddKnowledgeBaseSilo(builder.Configuration));
    builder.AddKnowledgeBaseTelemetry("kb-silo");
    builder.Services.AddKnowledgeBaseHealthChecks(builder.Configuration, hostsSilo: true);
    builder.Services.AddIdleMemoryTrimmer();
    builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(
        KnowledgeBaseSettings.Int(builder.Configuration, "SHUTDOWN_TIMEOUT_SECONDS", 45, 1, 600)));

    var app = builder.Build();
    app.UseOpenTelemetryPrometheusScrapingEndpoint(TelemetryHostingExtensions.MetricsPath);
    app.MapKnowledgeBaseHealth(showDetail: _ => true);
    await app.RunAsync();
});
