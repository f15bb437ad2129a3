using System.Security.Claims;
using KnowledgeBase.Grains.Audit;
using KnowledgeBase.Grains.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace KnowledgeBase.Api.Hosting;

/// <summary>Company-account sign-in: ASP.NET Core's OpenID Connect handler runs the authorization-code flow with PKCE;
/// when the provider sends the person back, <see cref="CompleteAsync"/> applies the e-mail domain rule, creates or finds
/// the account and maps groups, and a two-minute cookie carries the account to <c>POST /api/auth/sso/token</c>, which
/// hands the browser the product's own access token (the same as a password sign-in).</summary>
public static class SsoHosting
{
    public const string Scheme = "oidc";
    public const string CookieScheme = "kb-sso";
    public const string CookieName = "kb_sso";
    public const string CallbackPath = "/api/auth/sso/callback";

    public static void AddSso(this WebApplicationBuilder builder, AuthenticationBuilder auth, SsoOptions sso)
    {
        var services = builder.Services;
        services.AddSingleton(sso);
        services.AddSingleton<ISsoGroupMapper, PermissionGroupMapper>();
        if (!sso.Enabled) return;

        // The flow's state, nonce and the hand-over cookie are protected with the data-protection key ring; every api
        // instance must hold the same ring, since the provider may send the person back to another instance.
        var protection = services.AddDataProtection().SetApplicationName("knowledge-base");
        if (builder.Configuration["REDIS_URL"] is { Length: > 0 } redis)
        {
            var connection = new Lazy<StackExchange.Redis.IConnectionMultiplexer>(() =>
            {
                var options = StackExchange.Redis.ConfigurationOptions.Parse(RedisUrl.ToConfiguration(redis));
                options.AbortOnConnectFail = false;
                return StackExchange.Redis.ConnectionMultiplexer.Connect(options);
            });
            protection.PersistKeysToStackExchangeRedis(() => connection.Value.GetDatabase(), "kb:data-protection-keys");
        }
        else
        {
            var dataDir = KnowledgeBaseConfiguration.Load(builder.Configuration);
            protection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDir.DataDir, "data-protection-keys")));
        }

        auth.AddCookie(CookieScheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(2);
            o.SlidingExpiration = false;
        });
        auth.AddOpenIdConnect(Scheme, o =>
        {
            o.Authority = sso.Authority;
            o.ClientId = sso.ClientId;
            o.ClientSecret = sso.ClientSecret;
            o.RequireHttpsMetadata = !SsoOptions.IsLoopback(new Uri(sso.Authority!));
            o.ResponseType = OpenIdConnectResponseType.Code;
            // A plain redirect back (not a cross-site form post), so the flow's cookies can be SameSite=Lax.
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.UsePkce = true;
            o.CallbackPath = CallbackPath;
            o.SignInScheme = CookieScheme;
            o.SaveTokens = false;
            o.MapInboundClaims = false;
            o.GetClaimsFromUserInfoEndpoint = true;
            o.Scope.Clear();
            foreach (var scope in sso.Scopes) o.Scope.Add(scope);
            o.ClaimActions.MapJsonKey(sso.GroupClaim, sso.GroupClaim);
            o.ClaimActions.MapJsonKey("email_verified", "email_verified");
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Events = new OpenIdConnectEvents
            {
                OnTicketReceived = CompleteAsync,
                OnRemoteFailure = context =>
                {
                    // The person cancelled at the provider, or the flow's state was lost: back to the sign-in page.
                    context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("KnowledgeBase.Sso")
                        .LogWarning("Company-account sign-in failed: {Reason}", context.Failure?.Message);
                    context.Response.Redirect(ErrorPage(context.Request, "sso_failed"));
                    context.HandleResponse();
                    return Task.CompletedTask;
                },
            };
        });
    }

    /// <summary>Where the browser goes after the provider: the web UI, which exchanges the hand-over cookie for tokens.</summary>
    public static string DonePage(HttpRequest request) => $"{request.PathBase}/#/sso";

    private static string ErrorPage(HttpRequest request, string code) => $"{request.PathBase}/#/sso-error/{code}";

    /// <summary>Runs when the provider has vouched for the person (ID token and user info validated).</summary>
    private static async Task CompleteAsync(TicketReceivedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var settings = services.GetRequiredService<ApiSettings>();
        var sso = services.GetRequiredService<SsoOptions>();
        var principal = context.Principal!;
        var claimedEmail = principal.FindFirstValue("email") ?? "";
        var email = Accounts.AccountRules.NormalizeEmail(claimedEmail);

        async Task RefuseAsync(string code)
        {
            await context.HttpContext.AuditAsync(AuditActions.SsoSignInRefused, "", code, actorEmail: email ?? claimedEmail);
            context.Response.Redirect(ErrorPage(context.Request, code));
            context.HandleResponse();
        }

        if (email is null) { await RefuseAsync("sso_no_email"); return; }
        if (string.Equals(principal.FindFirstValue("email_verified"), "false", StringComparison.OrdinalIgnoreCase)) { await RefuseAsync("email_not_verified"); return; }
        if (!settings.EmailDomains.Contains(email[(email.LastIndexOf('@') + 1)..])) { await RefuseAsync("email_domain_not_allowed"); return; }

        var subject = principal.FindFirstValue("sub") ?? "";
        var issuer = principal.FindFirstValue("iss") ?? principal.FindFirst("sub")?.Issuer ?? sso.Authority!;
        var name = principal.FindFirstValue("name") is { Length: > 0 } n ? n.Trim() : email[..email.IndexOf('@')];
        if (name.Length > 100) name = name[..100];
        var role = settings.AdminEmails.Contains(email) ? Roles.Admin : Roles.Member;
        // The same rule as a password sign-up: invite-only lets in invited addresses and ADMIN_EMAILS.
        var mayCreate = settings.Signup == SignupMode.Open || settings.AdminEmails.Contains(email);

        var grains = services.GetRequiredService<IClusterClient>();
        var result = await grains.GetGrain<IAccountGrain>(email).SignInExternalAsync(new ExternalIdentity(issuer, subject, email, name, role, mayCreate));
        if (result.Profile is not { } profile)
        {
            await RefuseAsync(result.Status switch
            {
                ExternalSignInStatus.SubjectMismatch => "sso_account_conflict",
                ExternalSignInStatus.NotInvited => "signup_invite_only",
                _ => "account_disabled",
            });
            return;
        }

        var groups = principal.FindAll(sso.GroupClaim).Select(c => c.Value).Where(g => g.Length > 0).Distinct().ToList();
        await services.GetRequiredService<ISsoGroupMapper>().ApplyAsync(profile, groups, context.HttpContext.RequestAborted);
        await context.HttpContext.AuditAsync(AuditActions.SsoSignIn, profile.UserId,
            $"{(result.Status == ExternalSignInStatus.Created ? "created" : "existing")} issuer={issuer} groups={groups.Count}", profile.UserId, email);

        // The hand-over cookie carries only who signed in; the token endpoint reads the account again.
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(UserClaims.UserId, profile.UserId), new Claim(UserClaims.Email, email)], CookieScheme));
        context.ReturnUri = DonePage(context.Request);
    }
}
