using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using KnowledgeBase.Api.Hosting;

namespace KnowledgeBase.Tests.Sso;

/// <summary>A real OpenID Connect provider (npm oidc-provider) and the api on real Kestrel, registered with it as a
/// confidential client; the provider's people are listed in <see cref="Users"/>.</summary>
public sealed class OidcFixture : IAsyncLifetime
{
    public const string ClientId = "knowledge-base";
    public const string ClientSecret = "test-client-secret-0123456789abcdef";
    public const string SsoAdminEmail = "sso-admin@soosan.com";

    public static readonly Dictionary<string, object> Users = new()
    {
        ["kim"] = new { email = "kim.minji@soosan.com", email_verified = true, name = "김민지", groups = new[] { "인사팀", "all-staff" } },
        ["choi"] = new { email = "choi@soosan.co.kr", email_verified = true, name = "최영수", groups = Array.Empty<string>() },
        ["boss"] = new { email = SsoAdminEmail, email_verified = true, name = "관리자", groups = new[] { "임원" } },
        ["outsider"] = new { email = "someone@gmail.com", email_verified = true, name = "외부인" },
        ["unverified"] = new { email = "park@soosan.com", email_verified = false, name = "박지훈" },
        ["lee"] = new { email = "lee.jiwon@soosan.com", email_verified = true, name = "이지원" },
        ["han"] = new { email = "han@soosan.com", email_verified = true, name = "한소희" },
    };

    private readonly int _invitePort = ApiFactory.FreePort();
    private SsoApiFactory? _inviteApi;

    public NodeServer Provider { get; private set; } = null!;
    public SsoApiFactory Api { get; private set; } = null!;

    /// <summary>A second api with the same provider and SIGNUP_MODE=invite, started by the first test that asks.</summary>
    public SsoApiFactory InviteApi
    {
        get
        {
            lock (this)
            {
                if (_inviteApi is null)
                {
                    _inviteApi = new SsoApiFactory(_invitePort, ApiSettings(new() { ["SIGNUP_MODE"] = "invite" }));
                    _inviteApi.StartServer();
                }
                return _inviteApi;
            }
        }
    }

    public async Task InitializeAsync()
    {
        var appPort = ApiFactory.FreePort();
        var clients = JsonSerializer.Serialize(new[]
        {
            new
            {
                client_id = ClientId,
                client_secret = ClientSecret,
                redirect_uris = new[] { appPort, _invitePort }.SelectMany(port => new[] { $"http://localhost:{port}{SsoHosting.CallbackPath}", $"http://127.0.0.1:{port}{SsoHosting.CallbackPath}" }),
                grant_types = new[] { "authorization_code" },
                response_types = new[] { "code" },
            },
        });
        Provider = await NodeServer.StartOidcProviderAsync(clients, JsonSerializer.Serialize(Users));
        Api = new SsoApiFactory(appPort, ApiSettings([]));
        Api.StartServer();
    }

    private Dictionary<string, string?> ApiSettings(Dictionary<string, string?> extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["OIDC_AUTHORITY"] = Provider.Url,
            ["OIDC_CLIENT_ID"] = ClientId,
            ["OIDC_CLIENT_SECRET"] = ClientSecret,
            ["OIDC_SCOPES"] = "openid profile email groups",
            ["ADMIN_EMAILS"] = $"{ApiFactory.AdminEmail},{SsoAdminEmail}",
        };
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    public async Task DisposeAsync()
    {
        if (_inviteApi is not null) await _inviteApi.DisposeAsync();
        await Api.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

/// <summary>The api on Kestrel at a port chosen before the provider starts (the provider must know the callback URL).</summary>
public sealed class SsoApiFactory : ApiFactory
{
    private readonly IDictionary<string, string?> _settings;

    public SsoApiFactory(int appPort, IDictionary<string, string?> settings)
    {
        _settings = settings;
        AppPort = appPort;
        UseKestrel(appPort);
    }

    public int AppPort { get; }
    public Uri AppAddress => new($"http://localhost:{AppPort}");

    protected override IDictionary<string, string?> Settings => _settings;
}

/// <summary>Goes through the redirect flow the way a browser does, without one: follows redirects between the api and
/// the provider, fills in the provider's sign-in form, and stops where the api sends the browser back to the web UI.</summary>
public sealed partial class OidcBrowserless : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });

    /// <summary>Signs in as <paramref name="login"/> at the provider; returns where the api finally sent the browser
    /// (the web UI's #/sso or #/sso-error/{code}).</summary>
    public async Task<Uri> SignInAsync(Uri app, string login)
    {
        var (page, url) = await FollowAsync(new Uri(app, "/api/auth/sso/login"));
        var form = FormAction().Match(await page.Content.ReadAsStringAsync());
        Assert.True(form.Success, "the provider shows its sign-in form");
        var post = await _http.PostAsync(new Uri(url, WebUtility.HtmlDecode(form.Groups[1].Value)), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["prompt"] = "login",
            ["login"] = login,
            ["password"] = "any",
        }));
        var (_, back) = await FollowAsync(Redirect(post, url));
        return back;
    }

    /// <summary>The product's token for the hand-over cookie the flow left (POST /api/auth/sso/token).</summary>
    public Task<HttpResponseMessage> ExchangeAsync(Uri app) => _http.PostAsync(new Uri(app, "/api/auth/sso/token"), null);

    private async Task<(HttpResponseMessage Last, Uri Url)> FollowAsync(Uri url)
    {
        for (var hops = 0; hops < 20; hops++)
        {
            // The web UI's own routes live in the fragment: the flow ends when the api sends the browser there.
            if (url.Fragment.StartsWith("#/sso", StringComparison.Ordinal)) return (new HttpResponseMessage(HttpStatusCode.OK), url);
            var response = await _http.GetAsync(url);
            if ((int)response.StatusCode is < 300 or >= 400) return (response, url);
            url = Redirect(response, url);
        }
        throw new InvalidOperationException("too many redirects");
    }

    private static Uri Redirect(HttpResponseMessage response, Uri from)
    {
        Assert.True((int)response.StatusCode is >= 300 and < 400, $"expected a redirect from {from}, got {(int)response.StatusCode}");
        return new Uri(from, response.Headers.Location!);
    }

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    public void Dispose() => _http.Dispose();
}
