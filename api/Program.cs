using KnowledgeBase.Api.Endpoints;
using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Hosting;
using Orleans.Dashboard;

// `backup` and `restore` verbs run instead of the server (see README, Backup and recovery).
if (KnowledgeBase.Grains.Backup.BackupCommand.Matches(args))
    return await KnowledgeBase.Grains.Backup.BackupCommand.RunAsync(args, new ConfigurationBuilder().AddEnvironmentVariables().Build(), Console.Out);

// `eval` runs a golden set against an embedded instance and exits non-zero below its thresholds (docs/evaluation.md).
if (KnowledgeBase.Api.Evaluation.EvalCommand.Matches(args))
    return await KnowledgeBase.Api.Evaluation.EvalCommand.RunAsync(args, Console.Out);

// A bad setting stops start-up with one line naming the variable (ConfigurationErrors).
return await ConfigurationErrors.RunAsync(async () =>
{
    // The content root is the app's own folder, not the working directory: the working directory holds ./data, ./logs
    // and ./storage, which change on every request and must not be watched for configuration changes.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.AddKnowledgeBaseApi();

    var app = builder.Build();
    app.UseKnowledgeBaseApi();
    app.MapAuthEndpoints();
    app.MapSsoEndpoints();
    app.MapChatEndpoints();
    app.MapDocumentEndpoints();
    app.MapAdminEndpoints();
    app.MapPermissionEndpoints();
    app.MapKnowledgeBaseHealth(showDetail: context => context.User.IsAdmin());
    if (KnowledgeBaseSettings.DashboardEnabled(app.Configuration))
        app.MapOrleansDashboard(routePrefix: ApiHostingExtensions.DashboardPath).RequireAuthorization("admin");
    app.MapBackupEndpoints();
    app.MapAuditEndpoints();
    await app.RunAsync();
});

/// <summary>The api host (public so the tests can start it through WebApplicationFactory).</summary>
public partial class Program;
