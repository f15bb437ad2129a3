using System.Net.Http.Json;
using System.Text.Json;
using KnowledgeBase.LocalCluster;
using Microsoft.AspNetCore.Hosting;

namespace KnowledgeBase.BrowserTests;

/// <summary>The api with company-account sign-in configured against a real OpenID Connect provider (npm
/// oidc-provider) on this machine, and the browser that goes through the redirects.</summary>
public sealed class SsoUiFixture : IAsyncLifetime
{
    public SsoLiveApi Api { get; } = new();
    public Browser Browser { get; } = new();
    public NodeServer Provider { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var clients = JsonSerializer.Serialize(new[]
        {
            new
            {
                client_id = "knowledge-base",
                client_secret = "browser-test-client-secret-0123456789",
                redirect_uris = new[] { Api.BaseUrl + "api/auth/sso/callback" },
                grant_types = new[] { "authorization_code" },
                response_types = new[] { "code" },
            },
        });
        var users = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["jung"] = new { email = "jung.hana@soosan.com", email_verified = true, name = "정하나", groups = new[] { "재무팀" } },
            ["guest"] = new { email = "guest@example.org", email_verified = true, name = "손님" },
        });
        Provider = await NodeServer.StartOidcProviderAsync(clients, users);
        Api.Authority = Provider.Url;
        Api.StartServer();
        await Browser.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Api.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

public sealed class SsoLiveApi : LiveApi
{
    public string Authority { get; set; } = "";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("OIDC_AUTHORITY", Authority);
        builder.UseSetting("OIDC_CLIENT_ID", "knowledge-base");
        builder.UseSetting("OIDC_CLIENT_SECRET", "browser-test-client-secret-0123456789");
        builder.UseSetting("OIDC_SCOPES", "openid profile email groups");
    }
}

public sealed class SsoTests(SsoUiFixture ui) : IClassFixture<SsoUiFixture>
{
    [Fact]
    public async Task Company_sign_in_goes_to_the_provider_and_back_into_the_chat()
    {
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await page.GotoAsync("./");
        await page.GetByRole(AriaRole.Link, new() { Name = "회사 계정으로 로그인" }).ClickAsync();

        // The provider's own sign-in page, on its own origin.
        await page.WaitForURLAsync(url => url.StartsWith(ui.Provider.Url, StringComparison.Ordinal));
        await page.Locator("input[name=login]").FillAsync("jung");
        await page.Locator("input[name=password]").FillAsync("company-password");
        await page.Locator("button[type=submit]").ClickAsync();

        // Back on the product, signed in with the product's own token, as the person the provider named.
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "주 메뉴" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".who")).ToHaveTextAsync("정하나");
        Assert.StartsWith(ui.Api.BaseUrl, page.Url);
        var token = await page.EvaluateAsync<string?>("() => sessionStorage.getItem('kb.token')");
        Assert.False(string.IsNullOrEmpty(token));
        var me = await ui.Api.Http(token).GetFromJsonAsync<JsonElement>("api/auth/me");
        Assert.Equal("jung.hana@soosan.com", me.GetProperty("email").GetString());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_outside_account_comes_back_to_sign_in_with_the_reason_in_Korean()
    {
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await page.GotoAsync("./");
        await page.GetByRole(AriaRole.Link, new() { Name = "회사 계정으로 로그인" }).ClickAsync();
        await page.Locator("input[name=login]").FillAsync("guest");
        await page.Locator("input[name=password]").FillAsync("whatever");
        await page.Locator("button[type=submit]").ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "회사 이메일 주소의 계정만" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("회사 이메일")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('kb.token')"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_audit_page_lists_sign_ins_filters_them_and_reports_an_intact_chain()
    {
        var member = await ui.Api.CreateUserAsync();
        var admin = await ui.Api.CreateAdminAsync();
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, admin.Email);
        await page.GetByRole(AriaRole.Link, new() { Name = "감사 로그" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "감사 로그", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("audit-chain")).ToContainTextAsync("해시 체인 정상");
        await Assertions.Expect(page.GetByTestId("audit-rows")).ToContainTextAsync(member.Email);

        await page.GetByLabel("사용자").FillAsync(admin.Email);
        await page.GetByLabel("작업").SelectOptionAsync("auth.sign_in");
        await page.GetByRole(AriaRole.Button, new() { Name = "조회" }).ClickAsync();
        var rows = page.GetByTestId("audit-rows").Locator("tr");
        await Assertions.Expect(rows.First).ToContainTextAsync("auth.sign_in");
        await Assertions.Expect(page.GetByTestId("audit-rows")).Not.ToContainTextAsync(member.Email);
        Assert.All(await rows.Locator("td:nth-child(4)").AllInnerTextsAsync(), a => Assert.Equal("auth.sign_in", a));

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("audit-export").ClickAsync());
        Assert.EndsWith(".jsonl", download.SuggestedFilename);
        var lines = File.ReadAllLines(await download.PathAsync());
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Equal("auth.sign_in", JsonDocument.Parse(l).RootElement.GetProperty("action").GetString()));
        await page.Context.CloseAsync();
    }
}
