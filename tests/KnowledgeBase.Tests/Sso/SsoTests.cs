using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace KnowledgeBase.Tests.Sso;

[CollectionDefinition(Name)]
public sealed class OidcCollection : ICollectionFixture<OidcFixture>
{
    public const string Name = "oidc";
}

/// <summary>Company-account sign-in against a real OpenID Connect provider: code flow with PKCE through the api.</summary>
[Collection(OidcCollection.Name)]
public sealed class SsoTests(OidcFixture fixture)
{
    private SsoApiFactory Api => fixture.Api;

    [Fact]
    public async Task First_company_sign_in_creates_the_account_and_gives_the_products_own_token()
    {
        using var browser = new OidcBrowserless();
        var back = await browser.SignInAsync(Api.AppAddress, "kim");
        Assert.Equal("#/sso", back.Fragment);

        var exchange = await browser.ExchangeAsync(Api.AppAddress);
        Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
        var token = (await exchange.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        using var client = new HttpClient { BaseAddress = Api.AppAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal("kim.minji@soosan.com", me.GetProperty("email").GetString());
        Assert.Equal("김민지", me.GetProperty("displayName").GetString());
        Assert.Equal("member", me.GetProperty("role").GetString());

        // The hand-over cookie works once.
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ExchangeAsync(Api.AppAddress)).StatusCode);

        // The same person again is the same account, and now joins the product group mapped to a provider group.
        var admin = await Api.CreateAdminAsync();
        var hr = await admin.Client.PostAsJsonAsync("/api/admin/groups", new { name = "인사팀 (HR)", externalId = "인사팀" });
        Assert.Equal(HttpStatusCode.Created, hr.StatusCode);
        var groupId = (await hr.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("groupId").GetString();
        var meAgain = await MeAsync("kim");
        var userId = me.GetProperty("userId").GetString()!;
        Assert.Equal(userId, meAgain.GetProperty("userId").GetString());
        var groups = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/groups");
        var mapped = groups.EnumerateArray().Single(g => g.GetProperty("groupId").GetString() == groupId);
        Assert.Equal([userId], mapped.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task An_address_outside_the_company_domains_is_refused_and_no_account_is_made()
    {
        using var browser = new OidcBrowserless();
        var back = await browser.SignInAsync(Api.AppAddress, "outsider");
        Assert.Equal("#/sso-error/email_domain_not_allowed", back.Fragment);
        var exchange = await browser.ExchangeAsync(Api.AppAddress);
        Assert.Equal(HttpStatusCode.Unauthorized, exchange.StatusCode);
        Assert.Equal("sso_session_missing", (await exchange.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        var admin = await Api.CreateAdminAsync();
        var users = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/usage");
        Assert.DoesNotContain(users.GetProperty("users").EnumerateArray(), u => u.GetProperty("email").GetString() == "someone@gmail.com");
        var refused = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/audit?action=auth.sso_sign_in_refused&actor=someone@gmail.com");
        Assert.Contains(refused.GetProperty("entries").EnumerateArray(), e => e.GetProperty("detail").GetString() == "email_domain_not_allowed");
    }

    [Fact]
    public async Task An_address_the_provider_has_not_verified_is_refused()
    {
        using var browser = new OidcBrowserless();
        Assert.Equal("#/sso-error/email_not_verified", (await browser.SignInAsync(Api.AppAddress, "unverified")).Fragment);
    }

    [Fact]
    public async Task A_password_account_links_to_the_same_person_and_admin_emails_apply()
    {
        var existing = await Api.CreateUserAsync("choi@soosan.co.kr", "최영수");
        Assert.Equal(existing.UserId, (await MeAsync("choi")).GetProperty("userId").GetString());
        Assert.Equal("admin", (await MeAsync("boss")).GetProperty("role").GetString());
    }

    [Fact]
    public async Task A_disabled_account_is_refused_at_company_sign_in_and_a_deleted_one_returns_only_as_a_new_account()
    {
        var first = (await MeAsync("lee")).GetProperty("userId").GetString()!;
        var admin = await Api.CreateAdminAsync();
        (await admin.Client.PutAsJsonAsync($"/api/admin/users/{first}/status", new { disabled = true })).EnsureSuccessStatusCode();

        using (var browser = new OidcBrowserless())
        {
            Assert.Equal("#/sso-error/account_disabled", (await browser.SignInAsync(Api.AppAddress, "lee")).Fragment);
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ExchangeAsync(Api.AppAddress)).StatusCode);
        }
        var refused = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/audit?action=auth.sso_sign_in_refused&actor=lee.jiwon@soosan.com");
        Assert.Contains(refused.GetProperty("entries").EnumerateArray(), e => e.GetProperty("detail").GetString() == "account_disabled");

        // Deleted, the person is a stranger again: sign-up is open here, so the next sign-in makes a new, empty account.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.DeleteAsync($"/api/admin/users/{first}")).StatusCode);
        var again = await MeAsync("lee");
        Assert.NotEqual(first, again.GetProperty("userId").GetString());
        Assert.Equal("member", again.GetProperty("role").GetString());
    }

    [Fact]
    public async Task In_invite_mode_company_sign_in_makes_accounts_only_for_invited_addresses()
    {
        var api = fixture.InviteApi;
        using (var browser = new OidcBrowserless())
            Assert.Equal("#/sso-error/signup_invite_only", (await browser.SignInAsync(api.AppAddress, "han")).Fragment);

        var admin = await api.CreateAdminAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await admin.Client.PostAsJsonAsync("/api/admin/invites", new { email = "han@soosan.com", role = "editor" })).StatusCode);
        var invited = await MeAsync("han", api);
        Assert.Equal("editor", invited.GetProperty("role").GetString());

        // A deleted account is not made again without a new invitation.
        var userId = invited.GetProperty("userId").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.DeleteAsync($"/api/admin/users/{userId}")).StatusCode);
        using (var browser = new OidcBrowserless())
            Assert.Equal("#/sso-error/signup_invite_only", (await browser.SignInAsync(api.AppAddress, "han")).Fragment);
        // The operator's own addresses may still come in, so that someone can invite.
        Assert.Equal("admin", (await MeAsync("boss", api)).GetProperty("role").GetString());
    }

    /// <summary>Signs in at the provider as <paramref name="login"/> and returns /api/auth/me with the token it yields.</summary>
    private async Task<JsonElement> MeAsync(string login, SsoApiFactory? through = null)
    {
        var api = through ?? Api;
        using var browser = new OidcBrowserless();
        Assert.Equal("#/sso", (await browser.SignInAsync(api.AppAddress, login)).Fragment);
        var token = (await (await browser.ExchangeAsync(api.AppAddress)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        using var client = new HttpClient { BaseAddress = api.AppAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.GetFromJsonAsync<JsonElement>("/api/auth/me");
    }

    [Fact]
    public async Task The_sign_in_goes_to_the_provider_which_refuses_any_request_without_pkce()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var login = await http.GetAsync(new Uri(Api.AppAddress, "/api/auth/sso/login"));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var location = login.Headers.Location!;
        Assert.StartsWith(fixture.Provider.Url + "/auth", location.ToString());
        // The handler pushes its request to the provider first (PAR), so the code challenge travels there, not in the URL.
        Assert.StartsWith("urn:", System.Web.HttpUtility.ParseQueryString(location.Query)["request_uri"]);

        // The provider requires PKCE: the same request without a code challenge is refused, so the sign-ins above
        // that succeeded used it.
        var bare = await http.GetAsync(new Uri($"{fixture.Provider.Url}/auth?client_id={OidcFixture.ClientId}&response_type=code&scope=openid%20email" +
            $"&redirect_uri={Uri.EscapeDataString(Api.AppAddress + "api/auth/sso/callback")}&state=s&nonce=n"));
        var refused = bare.Headers.Location?.ToString() ?? await bare.Content.ReadAsStringAsync();
        Assert.Contains("requires PKCE", Uri.UnescapeDataString(refused).Replace('+', ' '));

        var info = await http.GetFromJsonAsync<JsonElement>(new Uri(Api.AppAddress, "/api/auth/sso"));
        Assert.True(info.GetProperty("enabled").GetBoolean());
    }
}

/// <summary>Without OIDC_AUTHORITY there is no company sign-in, and half-done settings stop start-up with a clear line.</summary>
public sealed class SsoSettingsTests
{
    [Fact]
    public async Task Without_settings_sso_is_off_and_its_endpoints_say_so()
    {
        using var api = new ApiFactory();
        var client = api.CreateClient();
        var info = await client.GetFromJsonAsync<JsonElement>("/api/auth/sso");
        Assert.False(info.GetProperty("enabled").GetBoolean());
        var login = await client.GetAsync("/api/auth/sso/login");
        Assert.Equal(HttpStatusCode.NotFound, login.StatusCode);
        Assert.Equal("sso_not_configured", (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("http://idp.example.com", "kb", null, "https")]
    [InlineData("https://idp.example.com", null, null, "OIDC_CLIENT_ID")]
    [InlineData(null, "kb", null, "OIDC_AUTHORITY")]
    [InlineData("https://idp.example.com", "kb", "openid profile", "email")]
    public void Incomplete_settings_are_refused_naming_the_variable(string? authority, string? clientId, string? scopes, string expected)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OIDC_AUTHORITY"] = authority, ["OIDC_CLIENT_ID"] = clientId, ["OIDC_SCOPES"] = scopes,
        }).Build();
        var error = Assert.Throws<KnowledgeBase.Grains.Hosting.ConfigurationException>(void () => KnowledgeBase.Api.Hosting.SsoOptions.Load(config));
        Assert.Contains(expected, error.Message);
    }
}
