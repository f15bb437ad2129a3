using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using KnowledgeBase.Grains.Audit;
using KnowledgeBase.Grains.Chat;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Storage;
using KnowledgeBase.Grains.Permissions;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Tokens;
using KnowledgeBase.Api.Accounts;

namespace KnowledgeBase.Api.Hosting;

/// <summary>The api's wiring: Orleans (co-hosted silo or cluster client), JWT auth, rate limits, ProblemDetails, JSON.</summary>
public static class ApiHostingExtensions
{
    public const string DefaultUrl = "http://localhost:8000";

    public static WebApplicationBuilder AddKnowledgeBaseApi(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        config.AddQuietLoggingDefaults();
        var urls = config["ASPNETCORE_URLS"] is { Length: > 0 } u ? u : config["URLS"] is { Length: > 0 } v ? v : config["urls"] is { Length: > 0 } w ? w : null;
        if (MetricsPort(config) is { } metricsPort)
        {
            // The scrape listens beside the app, on the same interface as its first address (localhost stays localhost).
            var main = (urls ?? DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var host = new Uri(main[0].Replace("://+", "://0.0.0.0").Replace("://*", "://0.0.0.0")).Host;
            builder.WebHost.UseUrls([.. main, $"http://{host}:{metricsPort}"]);
        }
        else if (urls is null)
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var kbOptions = KnowledgeBaseConfiguration.Load(config);
        var settings = ApiSettings.Load(config, kbOptions.DataDir);
        CheckSignUpCanBeVerified(config, settings);

        builder.AddOrleans();
        builder.AddKnowledgeBaseTelemetry("kb-api");
        var services = builder.Services;
        services.AddKnowledgeBaseHealthChecks(config, hostsSilo: !IsClientMode(config));
        services.AddIdleMemoryTrimmer();
        services.AddSingleton(settings);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<JwtIssuer>();
        services.AddSingleton<SessionTokens>();
        services.AddSingleton<AccountSessions>();
        services.AddSingleton<AccountLinks>();
        services.AddAccountMail(config);
        services.AddStartupSummary(config, settings, kbOptions);
        services.AddForwardedHeaders(settings);
        services.AddSingleton<SessionGrains>();
        services.AddSingleton<KnowledgeBase.Grains.Evaluation.EvaluationRunner>();
        services.AddSingleton<KnowledgeBase.Api.Evaluation.EvaluationJobs>();
        services.TryAddSingleton<IAuditLog, GrainAuditLog>();
        services.AddKnowledgeBaseOptions(config);
        services.AddDocumentStore(config);
        services.AddBudgetPeriods(config);

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            // Korean text leaves as UTF-8 (3 bytes a syllable) instead of \uXXXX escapes (6); characters that matter to
            // HTML (<, >, &, quotes) are still escaped.
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
        });
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = kbOptions.MaxUploadBytes + 1024 * 1024);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = kbOptions.MaxUploadBytes + 2 * 1024 * 1024);

        var issuer = new JwtIssuer(settings, TimeProvider.System);
        var authentication = services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme);
        builder.AddSso(authentication, SsoOptions.Load(config));
        authentication.AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = issuer.ValidationParameters();
            o.Events = new JwtBearerEvents
            {
                // A valid signature is not enough: the account must still exist, be enabled and carry the token's stamp;
                // the role is the account's.
                OnTokenValidated = async context =>
                {
                    var sessions = context.HttpContext.RequestServices.GetRequiredService<AccountSessions>();
                    if (await sessions.CheckAsync(context.Principal!) is { } session)
                        AccountSessions.ApplyRole(context.Principal!, session);
                    else
                        context.Fail(new SessionEndedException());
                },
                // The Orleans dashboard is a page a browser opens, so it cannot send a bearer header: admins get the
                // same token as an HttpOnly cookie scoped to the dashboard's path (POST /api/admin/dashboard-session).
                OnMessageReceived = context =>
                {
                    if (context.Request.Path.StartsWithSegments(DashboardPath) && string.IsNullOrEmpty(context.Request.Headers.Authorization)
                        && context.Request.Cookies.TryGetValue(DashboardCookie, out var token))
                        context.Token = token;
                    return Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    var (type, title) = context.AuthenticateFailure switch
                    {
                        SecurityTokenExpiredException => (ErrorCodes.TokenExpired, "The session expired; sign in again."),
                        SessionEndedException => (ErrorCodes.SessionEnded, "The account changed; sign in again."),
                        _ => (ErrorCodes.Unauthorized, "Sign-in required."),
                    };
                    await WriteProblemAsync(context.HttpContext, 401, type, title);
                },
                OnForbidden = context => WriteProblemAsync(context.HttpContext, 403, ErrorCodes.Forbidden, "Admins only.", ErrorCodes.AdminsOnly),
            };
        });
        services.AddAuthorizationBuilder().AddPolicy("admin", p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        services.AddPermissions(config);

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = 429;
            o.AddPolicy("auth", context => RateLimitPartition.GetFixedWindowLimiter(ClientAddresses.KeyOf(context),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = KnowledgeBaseSettings.Int(config, "AUTH_RATE_LIMIT_PER_MINUTE", 30, 1, 100_000), Window = TimeSpan.FromMinutes(1) }));
            o.OnRejected = async (context, token) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await WriteProblemAsync(context.HttpContext, 429, ErrorCodes.RateLimited, "Too many requests; retry in a minute.");
            };
        });

        if (settings.CorsOrigins.Length > 0)
            services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins(settings.CorsOrigins).AllowAnyHeader().AllowAnyMethod()));
        return builder;
    }

    /// <summary>Co-hosts a silo (the embedded default) unless ORLEANS_MODE=client, in which case the api is a pure client.</summary>
    private static void AddOrleans(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        if (IsClientMode(config))
        {
            builder.UseOrleansClient(client => client.AddKnowledgeBaseClient(config));
        }
        else
        {
            builder.UseOrleans(silo => silo.AddKnowledgeBaseSilo(config));
        }
    }

    /// <summary>In prod an open sign-up must prove addresses: by mail (SMTP_HOST, with PUBLIC_URL for the links) or by
    /// single sign-on. Otherwise anyone could claim any company address.</summary>
    private static void CheckSignUpCanBeVerified(IConfiguration config, ApiSettings settings)
    {
        if (!settings.Strict) return;
        var smtp = config["SMTP_HOST"] is { Length: > 0 };
        if (settings.Signup == SignupMode.Open && !smtp && config["OIDC_AUTHORITY"] is not { Length: > 0 })
            throw new ConfigurationException("SIGNUP_MODE=open needs SMTP_HOST (verification mail) or single sign-on (OIDC_AUTHORITY) in prod; set one of them, or SIGNUP_MODE=invite.");
        if (smtp && settings.PublicUrl is null)
            throw new ConfigurationException("PUBLIC_URL must be set in prod when mail is sent (the address mailed links start with, e.g. https://kb.soosan.com).");
    }

    public static bool IsClientMode(IConfiguration config) => string.Equals(config["ORLEANS_MODE"], "client", StringComparison.OrdinalIgnoreCase);

    /// <summary>METRICS_PORT: where /metrics is served (never on the public port). Unset: the api serves no scrape.</summary>
    public static int? MetricsPort(IConfiguration config)
        => config["METRICS_PORT"] is { Length: > 0 } ? KnowledgeBaseSettings.Int(config, "METRICS_PORT", 9464, 1, 65535) : null;

    public const string DashboardPath = "/dashboard";
    public const string DashboardCookie = "kb_dashboard";

    /// <summary>The pipeline. PATH_BASE (e.g. "/kb") mounts the whole app under a prefix; the web UI uses relative URLs
    /// only, so it works there and behind any proxy prefix.</summary>
    public static WebApplication UseKnowledgeBaseApi(this WebApplication app)
    {
        // Before PATH_BASE: the scrape answers at /metrics on its own port whatever prefix the app is mounted under.
        if (MetricsPort(app.Configuration) is { } metricsPort) app.UseMetricsEndpoint(metricsPort);
        if (NormalizePathBase(app.Configuration["PATH_BASE"]) is { } pathBase) app.UsePathBase(pathBase);
        if (app.Services.GetRequiredService<ApiSettings>().KnownProxies.Count > 0) app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseApiResponseHeaders();
        if (app.Services.GetRequiredService<ApiSettings>().CorsOrigins.Length > 0) app.UseCors();
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = context => WebUiHeaders(context.Context.Response) });
        // Explicit, so that routing sees the path after PATH_BASE was stripped.
        app.UseRouting();
        app.UseRequestBodyLimits();
        app.UseAuthentication();
        app.UseActiveUserTracking();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    public static PathString? NormalizePathBase(string? value)
    {
        var trimmed = value?.Trim().Trim('/');
        return string.IsNullOrEmpty(trimmed) ? null : new PathString("/" + trimmed);
    }

    // The UI renders model and document text as text; the policy makes any slip inert (no inline or foreign script).
    private static void WebUiHeaders(HttpResponse response)
    {
        response.Headers.CacheControl = "no-cache";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
            "connect-src 'self'; frame-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
        response.Headers["Referrer-Policy"] = "same-origin";
    }

    private static Task WriteProblemAsync(HttpContext context, int status, string type, string title, string? code = null)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(Problems.Details(status, type, title, code: code),
            options: null, contentType: "application/problem+json");
    }
}
