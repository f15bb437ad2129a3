using KnowledgeBase.Grains.Accounting;
using KnowledgeBase.Grains.Audit;
using KnowledgeBase.Grains.Backup;
using KnowledgeBase.Grains.Caching;
using KnowledgeBase.Grains.Chat;
using KnowledgeBase.Grains.Chat.Pipeline;
using KnowledgeBase.Grains.Clustering;
using KnowledgeBase.Grains.Ingestion;
using KnowledgeBase.Grains.Models;
using KnowledgeBase.Grains.Permissions;
using KnowledgeBase.Grains.Retrieval;
using KnowledgeBase.Grains.Retrieval.Chroma;
using KnowledgeBase.Grains.Retrieval.Replication;
using KnowledgeBase.Grains.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;

namespace KnowledgeBase.Grains.Hosting;

/// <summary>Host wiring: one extension per production part; each picks the embedded default or the real part from
/// its environment variable. Business code never asks which one it got.</summary>
public static class SiloHostingExtensions
{
    public const string StorageName = "kb";

    /// <summary>A complete silo: clustering, grain storage, and every service grains use.</summary>
    public static ISiloBuilder AddKnowledgeBaseSilo(this ISiloBuilder silo, IConfiguration config)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = config["ORLEANS_CLUSTER_ID"] is { Length: > 0 } c ? c : "kb-local";
            o.ServiceId = config["ORLEANS_SERVICE_ID"] is { Length: > 0 } s ? s : "knowledge-base";
        });
        silo.AddClustering(config);
        silo.AddGrainStorage(config);
        silo.AddStartupTask(ResumeUnfinishedIngestionAsync);
        // The api's request span becomes the parent of the grain calls, so one chat is one trace. Only with tracing on:
        // otherwise the filters still ran on every grain call, and Orleans skips its filter chain only when there is none
        // (~1.5% of the api's CPU in a chat profile).
        if (KnowledgeBaseSettings.TracingEnabled(config)) silo.AddActivityPropagation();
        if (KnowledgeBaseSettings.DashboardEnabled(config)) silo.AddDashboard();
        silo.AddBackupSchedule(config);
        silo.AddRetention(config);
        silo.Services.AddKnowledgeBaseServices(config);
        return silo;
    }

    /// <summary>Scheduled backups (BACKUP_TARGET): reminders in Redis when REDIS_URL is set, in memory otherwise (the
    /// schedule's state is grain state either way, and the reminder is registered again at every start).</summary>
    public static ISiloBuilder AddBackupSchedule(this ISiloBuilder silo, IConfiguration config)
    {
        if (config["REDIS_URL"] is { Length: > 0 } redis)
            silo.UseRedisReminderService(o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(RedisUrl.ToConfiguration(redis)));
        else
            silo.UseInMemoryReminderService();
        silo.Services.TryAddSingleton<BackupService>();
        if (config["BACKUP_TARGET"] is { Length: > 0 })
            silo.AddStartupTask((services, cancellationToken) =>
            {
                _ = StartScheduleAsync(services, "backup", grains => grains.GetGrain<IBackupSchedulerGrain>("all").StartAsync());
                return Task.CompletedTask;
            });
        return silo;
    }

    /// <summary>CHAT_RETENTION_DAYS and QUERY_LOG_RETENTION_DAYS: a daily reminder (<see cref="RetentionGrain"/>), registered
    /// at every start, and removed again when neither is set. A bad value stops start-up here, naming the variable.</summary>
    public static ISiloBuilder AddRetention(this ISiloBuilder silo, IConfiguration config)
    {
        KnowledgeBase.Grains.Retention.RetentionOptions.Bind(config, new());
        silo.Services.AddOptions<KnowledgeBase.Grains.Retention.RetentionOptions>().Configure(o => KnowledgeBase.Grains.Retention.RetentionOptions.Bind(config, o));
        silo.Services.TryAddKeyedSingleton<TimeProvider>(RetentionGrain.ClockKey, (sp, _) => sp.GetRequiredService<TimeProvider>());
        silo.AddSiloKeyedPlacement();
        silo.AddStartupTask((services, cancellationToken) =>
        {
            _ = StartScheduleAsync(services, "retention", grains => grains.GetGrain<IRetentionGrain>("all").StartAsync());
            return Task.CompletedTask;
        });
        return silo;
    }

    /// <summary>In the background, with retries: a storage hiccup while registering a schedule must not keep the silo
    /// from starting (its reminder only has to exist before its first tick).</summary>
    private static async Task StartScheduleAsync(IServiceProvider services, string schedule, Func<IGrainFactory, Task> start)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Schedules");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await start(services.GetRequiredService<IGrainFactory>());
                return;
            }
            catch (Exception ex) when (attempt < 10)
            {
                logger.LogWarning(ex, "Registering the {Schedule} schedule failed (attempt {Attempt}); retrying", schedule, attempt);
                await Task.Delay(TimeSpan.FromSeconds(5 * attempt));
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The {Schedule} schedule could not be registered; it is off until the next start", schedule);
                return;
            }
        }
    }

    /// <summary>Membership in Redis when REDIS_URL is set (silos advertise POD_IP, or the host's address), with mutual
    /// TLS (<see cref="ClusterTls"/>); localhost clustering on loopback-only ports otherwise. Ports come from SILO_PORT
    /// and GATEWAY_PORT.</summary>
    public static ISiloBuilder AddClustering(this ISiloBuilder silo, IConfiguration config)
    {
        var siloPort = KnowledgeBaseSettings.Int(config, "SILO_PORT", 11111, 1, 65535);
        var gatewayPort = KnowledgeBaseSettings.Int(config, "GATEWAY_PORT", 30000, 1, 65535);
        silo.ConfigureFailureDetection(config);
        if (config["REDIS_URL"] is not { Length: > 0 } redis)
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort);
            // Only this machine reaches an embedded silo: both ports listen on loopback, whatever is advertised.
            silo.Configure<EndpointOptions>(o =>
            {
                o.SiloListeningEndpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, siloPort);
                o.GatewayListeningEndpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, gatewayPort);
            });
            silo.UseClusterTls(config, clusterMode: false);
            return silo;
        }
        silo.UseClusterTls(config, clusterMode: true);
        silo.UseRedisClustering(RedisUrl.ToConfiguration(redis));
        silo.Services.TryAddSingleton<MembershipHealth>();
        Decorate<IMembershipTable>(silo.Services, (sp, inner) => new HealingMembershipTable(inner,
            sp.GetRequiredService<ILocalSiloDetails>().SiloAddress,
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Clustering.Redis.RedisClusteringOptions>>().Value,
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterOptions>>().Value,
            sp.GetRequiredService<MembershipHealth>(), sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<HealingMembershipTable>>()));
        silo.Configure<EndpointOptions>(o =>
        {
            o.SiloPort = siloPort;
            o.GatewayPort = gatewayPort;
            if (config["POD_IP"] is { Length: > 0 } ip) o.AdvertisedIPAddress = System.Net.IPAddress.Parse(ip);
            else if (config["SILO_ADVERTISED_IP"] is { Length: > 0 } advertised) o.AdvertisedIPAddress = System.Net.IPAddress.Parse(advertised);
        });
        return silo;
    }

    /// <summary>How fast a silo that stopped answering (killed, paused, machine lost) is declared dead, after which its
    /// grains are activated again on the others and callers stop waiting for it: a probe every
    /// MEMBERSHIP_PROBE_TIMEOUT_SECONDS, death after MEMBERSHIP_MISSED_PROBES missed probes and two silos' votes. The
    /// defaults (3 s, 3) declare a silent silo dead in about 10-15 s, within the 20 s a hung silo may cost; Orleans' own
    /// (5 s, 3) let a paused silo hold its callers for 30 s and more. Shorter settings recover sooner but may suspect a
    /// silo that is only briefly starved (a long GC, a busy node).
    /// Orleans stretches each probe's timeout from what it has measured (up to four times the setting) and by the
    /// prober's own degradation, and ignores missed probes while a connection brought messages within the missed probes'
    /// span: on a busy node a silent silo then stood undeclared for more than 30 s. The timeout is therefore capped at the
    /// setting, which bounds detection at about missed × timeout plus the votes' writes; probes missed while the prober
    /// itself stalled still do not count, so a starved prober does not vote out a healthy silo.</summary>
    public static ISiloBuilder ConfigureFailureDetection(this ISiloBuilder silo, IConfiguration config)
    {
        var probeSeconds = KnowledgeBaseSettings.Int(config, "MEMBERSHIP_PROBE_TIMEOUT_SECONDS", DefaultProbeTimeoutSeconds, 1, 120);
        var missed = KnowledgeBaseSettings.Int(config, "MEMBERSHIP_MISSED_PROBES", DefaultMissedProbes, 1, 10);
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(probeSeconds);
            o.MaxProbeTimeout = o.ProbeTimeout;
            o.ExtendProbeTimeoutDuringDegradation = false;
            o.NumMissedProbesLimit = missed;
            // Every silo re-reads the table (and learns of deaths it did not vote on) this often instead of once a minute.
            o.TableRefreshTimeout = TimeSpan.FromSeconds(10);
        });
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout(config));
        // The directory cache sizes its table for its capacity up front: Orleans' default of 1,000,000 addresses held
        // ~9 MB per silo before any grain was called. 100,000 remembered remote activations is plenty here.
        silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = 100_000);
        return silo;
    }

    public const int DefaultProbeTimeoutSeconds = 3;
    public const int DefaultMissedProbes = 3;

    /// <summary>How long a caller waits for a grain's answer (ORLEANS_RESPONSE_TIMEOUT_SECONDS, Orleans' default 30 s).
    /// A call that was in flight on a silo that died fails only after this; streamed chat answers are not cut by it,
    /// because Orleans keeps a streaming call alive with heartbeats.</summary>
    public static TimeSpan ResponseTimeout(IConfiguration config)
        => TimeSpan.FromSeconds(KnowledgeBaseSettings.Int(config, "ORLEANS_RESPONSE_TIMEOUT_SECONDS", 30, 1, 600));

    /// <summary>A pure client of the cluster (the api in cluster mode): Redis membership when REDIS_URL is set, else the local gateway.</summary>
    public static IClientBuilder AddKnowledgeBaseClient(this IClientBuilder client, IConfiguration config)
    {
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = config["ORLEANS_CLUSTER_ID"] is { Length: > 0 } c ? c : "kb-local";
            o.ServiceId = config["ORLEANS_SERVICE_ID"] is { Length: > 0 } s ? s : "knowledge-base";
        });
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout(config));
        if (KnowledgeBaseSettings.TracingEnabled(config)) client.AddActivityPropagation();
        if (KnowledgeBaseSettings.DashboardEnabled(config)) client.AddDashboard();
        client.Services.TryAddSingleton<MembershipHealth>();
        client.AddClusterConnectionStatusObserver<GatewayConnectionObserver>();
        // A gateway that membership declared dead is dropped within this, instead of Orleans' default minute.
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = GatewayListRefreshPeriod);
        // Starting while no gateway is listed (the cluster is starting, or its membership is being restored after a
        // Redis loss) waits for one instead of stopping the process.
        var firstFailure = (DateTime?)null;
        client.UseConnectionRetryFilter(async (_, cancellationToken) =>
        {
            firstFailure ??= DateTime.UtcNow;
            if (DateTime.UtcNow - firstFailure > ClientConnectPatience) return false;
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        });
        client.UseClusterTls(config, clusterMode: config["REDIS_URL"] is { Length: > 0 });
        if (config["REDIS_URL"] is { Length: > 0 } redis)
        {
            client.UseRedisClustering(RedisUrl.ToConfiguration(redis));
            Decorate<Orleans.Messaging.IGatewayListProvider>(client.Services, (sp, inner) => new ResilientGatewayListProvider(inner,
                sp.GetRequiredService<MembershipHealth>(), sp.GetService<TimeProvider>() ?? TimeProvider.System,
                sp.GetRequiredService<ILogger<ResilientGatewayListProvider>>()));
        }
        else
        {
            client.UseLocalhostClustering(KnowledgeBaseSettings.Int(config, "GATEWAY_PORT", 30000, 1, 65535));
        }
        return client;
    }

    public static readonly TimeSpan GatewayListRefreshPeriod = TimeSpan.FromSeconds(2);

    /// <summary>How long a starting api waits for a gateway before it gives up (and its orchestrator restarts it).</summary>
    public static readonly TimeSpan ClientConnectPatience = TimeSpan.FromMinutes(2);

    /// <summary>Replaces the last registration of <typeparamref name="T"/> with a wrapper around what it made.</summary>
    private static void Decorate<T>(IServiceCollection services, Func<IServiceProvider, T, T> wrap) where T : class
    {
        var descriptor = services.Last(d => d.ServiceType == typeof(T) && !d.IsKeyedService);
        services.Remove(descriptor);
        services.AddSingleton(sp => wrap(sp, (T)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!))));
    }

    /// <summary>Orleans ADO.NET grain storage on the DATABASE_URL database (SQLite file under DATA_DIR by default),
    /// with this project's schema applied first and state stored as plain JSON.</summary>
    public static ISiloBuilder AddGrainStorage(this ISiloBuilder silo, IConfiguration config)
    {
        var options = KnowledgeBaseConfiguration.Load(config);
        var database = DatabaseOptions.Parse(config["DATABASE_URL"], options.DataDir, PoolSize(config));
        DatabaseSchema.EnsureCreated(database);
        silo.AddAdoNetGrainStorage(StorageName, o =>
        {
            o.Invariant = database.Invariant;
            o.ConnectionString = database.ConnectionString;
            o.GrainStorageSerializer = new JsonGrainStorageSerializer();
        });
        // Registered after the provider, so this is what grains (and the silo lifecycle) resolve under the name.
        if (database.Dialect == DatabaseDialect.Sqlite)
            silo.Services.AddKeyedSingleton<Orleans.Storage.IGrainStorage>(StorageName,
                (sp, _) => new SqliteWriteGate(Orleans.Storage.AdoNetGrainStorageFactory.Create(sp, StorageName), database.ConnectionString));
        silo.Services.AddSingleton(database);
        // The rule for every grain with state (and for outages of what it is stored in): see TransientFailureFilter.
        silo.AddIncomingGrainCallFilter<TransientFailureFilter>();
        return silo;
    }

    /// <summary>DATABASE_POOL_SIZE: connections this process may hold to the grain-state database.</summary>
    public static int PoolSize(IConfiguration config) => KnowledgeBaseSettings.Int(config, "DATABASE_POOL_SIZE", DatabaseOptions.DefaultPoolSize, 1, 1000);

    public static IServiceCollection AddKnowledgeBaseServices(this IServiceCollection services, IConfiguration config)
    {
        services.AddKnowledgeBaseOptions(config);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITokenCounter, TiktokenTokenCounter>();

        services.AddModels(config);
        services.AddDocumentStore(config);
        services.AddIngestion();
        services.AddRetrieval();
        services.AddHostedService<SynonymSync>();
        services.AddHostedService<BoostSync>();
        services.AddChromaVectorStore(config);
        services.AddIndexReplication();
        services.AddPermissions(config);
        services.TryAddSingleton<SourceAccess>();
        services.AddCaches(config);

        services.TryAddSingleton(new PriceTable(config["PRICE_TABLE"]));
        services.AddBudgetPeriods(config);
        services.TryAddSingleton<IntentTagger>();
        services.TryAddSingleton<QueryRewriter>();
        services.TryAddSingleton<SourceSelector>();
        services.TryAddSingleton<PromptBuilder>();
        services.TryAddSingleton<RetrievalStep>();
        services.TryAddSingleton<AnswerStreamStep>();
        services.TryAddSingleton<ChatTurnPipeline>();
        services.TryAddSingleton<IQueryLog, JsonlQueryLog>();
        services.TryAddSingleton<AuditStore>();
        services.TryAddSingleton<IAuditLog, GrainAuditLog>();
        services.AddModelAndRetrievalTelemetry(tracing: KnowledgeBaseSettings.TracingEnabled(config));
        return services;
    }

    /// <summary>Chat and embedding models: OpenAI (or the compatible server at OPENAI_BASE_URL) when OPENAI_API_KEY is
    /// set; otherwise extractive answers and the offline embedder (registered by AddRetrieval).</summary>
    public static IServiceCollection AddModels(this IServiceCollection services, IConfiguration config)
    {
        var openAi = OpenAiOptions.FromConfiguration(config);
        if (openAi.IsConfigured) services.AddOpenAiModels(openAi);
        services.TryAddSingleton<IChatClient>(sp => new ExtractiveChatClient(sp.GetRequiredService<ITokenCounter>(),
            sp.GetService<QueryExpander>(), sp.GetService<IOptions<AnswerOptions>>()?.Value));
        return services;
    }

    /// <summary>Original files in S3 when S3_BUCKET is set (any S3-compatible S3_ENDPOINT); under STORAGE_DIR otherwise.</summary>
    public static IServiceCollection AddDocumentStore(this IServiceCollection services, IConfiguration config)
    {
        if (S3Options.FromConfiguration(config) is { } s3) services.TryAddSingleton<IBlobStore>(_ => new S3BlobStore(s3));
        services.TryAddSingleton<IBlobStore, LocalFileBlobStore>();
        return services;
    }

    /// <summary>Every silo keeps its own local index in step with the catalog (chunk files in the blob store); ingestion
    /// publishes through <see cref="DocumentIndexer"/>.</summary>
    public static IServiceCollection AddIndexReplication(this IServiceCollection services)
    {
        services.AddOptions<ReplicationOptions>();
        services.TryAddSingleton<IndexReplicator>();
        services.AddHostedService(sp => sp.GetRequiredService<IndexReplicator>());
        return services;
    }

    private static async Task ResumeUnfinishedIngestionAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var unfinished = await grains.GetGrain<IDocumentCatalogGrain>("all").ListUnfinishedAsync();
        foreach (var id in unfinished)
            await grains.GetGrain<IDocumentGrain>(id).GetAsync();
        if (unfinished.Count > 0)
            services.GetRequiredService<ILoggerFactory>().CreateLogger("Ingestion").LogInformation("Resumed ingestion of {Count} documents", unfinished.Count);
    }
}
