namespace KnowledgeBase.BrowserTests;

[Collection(UiCollection.Name)]
public sealed class LayoutTests(UiFixture ui)
{
    [Fact]
    public async Task Phone_width_hides_the_conversation_list_behind_a_menu_that_Escape_closes()
    {
        var user = await ui.Api.CreateUserAsync();
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl, phone: true);
        await Ui.SignInAsync(page, user.Email);
        var sidebar = page.Locator("#sidebar");
        var menu = page.GetByRole(AriaRole.Button, new() { Name = "대화 목록 열기/닫기" });
        await Assertions.Expect(sidebar).Not.ToBeInViewportAsync();
        await menu.ClickAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(sidebar).ToBeInViewportAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(menu).ToBeFocusedAsync();

        // Nothing is wider than the screen.
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the page scrolls sideways at phone width");
        await Ui.AskAsync(page, "휴게시간은 얼마나 주어야 하나요?");
        await Assertions.Expect(page.GetByTestId("answer").Last).Not.ToHaveAttributeAsync("aria-busy", "true", new() { Timeout = 30_000 });
        await Ui.ScreenshotAsync(page, "chat-phone");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Keyboard_alone_reaches_sign_in_and_the_question_box()
    {
        var user = await ui.Api.CreateUserAsync();
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await page.GotoAsync("./");
        await Assertions.Expect(page.GetByLabel("회사 이메일")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(user.Email);
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.GetByLabel("비밀번호", new() { Exact = true })).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(LiveApi.Password);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "질문" })).ToBeFocusedAsync();
        await page.Context.CloseAsync();
    }
}

/// <summary>The app mounted with PATH_BASE=/kb: pages, scripts and api calls all resolve under the prefix.</summary>
public sealed class PathBaseTests : IClassFixture<PrefixedLiveApi>, IAsyncLifetime
{
    private readonly PrefixedLiveApi _api;
    private readonly Browser _browser = new();

    public PathBaseTests(PrefixedLiveApi api) => _api = api;

    public Task InitializeAsync()
    {
        _api.StartServer();
        return _browser.InitializeAsync();
    }

    public Task DisposeAsync() => _browser.DisposeAsync();

    [Fact]
    public async Task Works_under_a_path_prefix()
    {
        var requests = new List<string>();
        var page = await _browser.NewPageAsync(_api.BaseUrl);
        page.Request += (_, r) => requests.Add(new Uri(r.Url).AbsolutePath);
        await Ui.SignUpAsync(page, _api, $"pre{Guid.NewGuid().ToString("N")[..8]}@soosan.com", "접두사");
        await Ui.AskAsync(page, "휴게시간은 얼마나 주어야 하나요?");
        await Assertions.Expect(page.GetByTestId("answer").Last).Not.ToHaveAttributeAsync("aria-busy", "true", new() { Timeout = 30_000 });
        Assert.Contains("/kb/api/chat", requests);
        Assert.Contains("/kb/js/app.js", requests);
        Assert.DoesNotContain(requests, p => !p.StartsWith("/kb/"));
        await page.Context.CloseAsync();
    }
}
