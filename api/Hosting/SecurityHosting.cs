using System.Net;
using System.Text;
using KnowledgeBase.Api.Accounts;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Models;
using KnowledgeBase.Grains.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.HttpOverrides;

namespace KnowledgeBase.Api.Hosting;

/// <summary>A token whose signature is fine but whose account changed, was disabled or deleted since it was issued.</summary>
public sealed class SessionEndedException() : Exception("The account changed since this token was issued.");

/// <summary>Proxy trust, API response headers, request body limits and the start-up summary.</summary>
public static class SecurityHosting
{
    /// <summary>KNOWN_PROXIES: behind a TLS-terminating proxy, the client's address and scheme come from its
    /// X-Forwarded-For/-Proto, believed only from the listed addresses (so the dashboard cookie is Secure and the
    /// per-address limits see the real client).</summary>
    public static IServiceCollection AddForwardedHeaders(this IServiceCollection services, ApiSettings settings)
        => services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in settings.KnownProxies)
            {
                if (IPAddress.TryParse(proxy, out var address)) o.KnownProxies.Add(address);
                else o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(proxy));
            }
        });

    /// <summary>API answers are personal and never a page: no caching anywhere, and no content sniffing.</summary>
    public static IApplicationBuilder UseApiResponseHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers.CacheControl = "no-store";
        }
        return next(context);
    });

    /// <summary>The most a JSON request body may hold (a chat question, a settings change): 1 MB. Endpoints that take
    /// files declare their own limit with <see cref="Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute"/>.</summary>
    public const long JsonBodyLimit = 1024 * 1024;

    /// <summary>Every request body is limited by its endpoint: a declared length over the limit is refused with 413
    /// before a byte is read; a body without a declared length is cut at the limit by the server.</summary>
    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? JsonBodyLimit;
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return context.Response.WriteAsJsonAsync(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = 413, Type = "too_large", Title = "요청이 너무 큽니다. (The request is too large.)",
                Detail = $"최대 {limit:N0}바이트 (at most {limit:N0} bytes).",
            }, options: null, contentType: "application/problem+json");
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
        return next(context);
    });

    public static IServiceCollection AddStartupSummary(this IServiceCollection services, IConfiguration config, ApiSettings settings, KnowledgeBaseOptions options)
        => services.AddHostedService(provider => new StartupSummary(provider, config, settings, options));

    private sealed class StartupSummary(IServiceProvider services, IConfiguration config, ApiSettings settings, KnowledgeBaseOptions options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
            lifetime.ApplicationStarted.Register(() =>
            {
                var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
                services.GetRequiredService<ILoggerFactory>().CreateLogger("KnowledgeBase").LogInformation("{Summary}",
                    Describe(config, settings, options, services.GetRequiredService<IAccountMailer>(), addresses));
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>A server's address as scheme://host:port: any user:password@ or query string in a URL setting stays out of the log.</summary>
    internal static string Endpoint(string url)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Host}:{uri.Port}" : "(not a URL)";

    /// <summary>One screen: what runs where, and what a person signing up will see. Never a secret.</summary>
    public static string Describe(IConfiguration config, ApiSettings settings, KnowledgeBaseOptions options, IAccountMailer mailer, IEnumerable<string> addresses)
    {
        var mode = ApiHostingExtensions.IsClientMode(config) ? "cluster: this api is a client of the silos (ORLEANS_MODE=client, membership in Redis)"
            : config["REDIS_URL"] is { Length: > 0 } ? "cluster: this api hosts a silo (membership in Redis)"
            : "embedded: this api hosts its own silo on loopback";
        var openAi = OpenAiOptions.FromConfiguration(config);
        var models = !openAi.IsConfigured ? "offline: extractive answers, hashing embedder (set OPENAI_API_KEY for a model)"
            : openAi.BaseUrl is { Length: > 0 } url ? $"OpenAI-compatible at {Endpoint(url)}: {openAi.ChatModel}, {openAi.EmbeddingModel}"
            : $"OpenAI: {openAi.ChatModel}, {openAi.EmbeddingModel}";
        var database = DatabaseOptions.Parse(config["DATABASE_URL"], options.DataDir).Dialect switch
        {
            DatabaseDialect.Sqlite => "SQLite",
            DatabaseDialect.PostgreSql => "PostgreSQL",
            _ => "SQL Server",
        };
        var files = config["S3_BUCKET"] is { Length: > 0 } bucket ? $"S3 bucket {bucket}" : Path.GetFullPath(options.StorageDir);
        var vectors = config["CHROMA_URL"] is { Length: > 0 } chroma ? $"ChromaDB {Endpoint(chroma)}" : "local index";
        var cache = config["REDIS_URL"] is { Length: > 0 } ? "Redis" : "memory";
        var signup = settings.Signup == SignupMode.Invite ? "invite only" : "open to " + string.Join(", ", settings.EmailDomains);

        var text = new StringBuilder();
        text.AppendLine($"Knowledge base api {(settings.Strict ? "(prod)" : "(dev)")} at {string.Join(", ", addresses)}");
        text.AppendLine($"  mode      {mode}");
        text.AppendLine($"  models    {models}");
        text.AppendLine($"  storage   state {database}, files {files}, vectors {vectors}, cache {cache}");
        text.AppendLine($"  data      {Path.GetFullPath(options.DataDir)}");
        text.AppendLine($"  secret    token key: {settings.JwtKeySource}");
        text.Append($"  sign-up   {signup}; {mailer.Describe()}");
        return text.ToString();
    }
}
