using System.Text;

namespace KnowledgeBase.BrowserTests;

[Collection(UiCollection.Name)]
public sealed class SignInTests(UiFixture ui)
{
    [Fact]
    public async Task Refusals_are_explained_in_Korean()
    {
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await page.GotoAsync("./");
        await page.GetByRole(AriaRole.Button, new() { Name = "계정이 없으신가요? 회원가입" }).ClickAsync();
        await page.GetByLabel("회사 이메일").FillAsync("someone@gmail.com");
        await page.GetByLabel("비밀번호", new() { Exact = true }).FillAsync(LiveApi.Password);
        await page.GetByLabel("이름").FillAsync("외부인");
        await page.GetByRole(AriaRole.Button, new() { Name = "회원가입", Exact = true }).ClickAsync();
        var error = page.Locator("#auth-error");
        await Assertions.Expect(error).ToContainTextAsync("회사 이메일");
        await Assertions.Expect(error).ToContainTextAsync("soosan.com");

        var user = await ui.Api.CreateUserAsync();
        await page.GetByLabel("회사 이메일").FillAsync(user.Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "회원가입", Exact = true }).ClickAsync();
        await Assertions.Expect(error).ToHaveTextAsync("이미 가입된 이메일입니다. 로그인해 주세요.");

        await page.GetByRole(AriaRole.Button, new() { Name = "이미 계정이 있으신가요? 로그인" }).ClickAsync();
        await page.GetByLabel("회사 이메일").FillAsync(user.Email);
        await page.GetByLabel("비밀번호", new() { Exact = true }).FillAsync("wrong-password-123");
        await page.GetByRole(AriaRole.Button, new() { Name = "로그인", Exact = true }).ClickAsync();
        await Assertions.Expect(error).ToHaveTextAsync("이메일 또는 비밀번호가 올바르지 않습니다.");

        await page.GetByRole(AriaRole.Button, new() { Name = "계정이 없으신가요? 회원가입" }).ClickAsync();
        await page.GetByLabel("회사 이메일").FillAsync("new-" + user.Email);
        await page.GetByLabel("이름").FillAsync("신입");
        await page.GetByLabel("비밀번호", new() { Exact = true }).FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "회원가입", Exact = true }).ClickAsync();
        await Assertions.Expect(error).ToHaveTextAsync("비밀번호는 10자 이상이어야 합니다.");
        await page.GetByLabel("비밀번호", new() { Exact = true }).FillAsync("qwertyuiop");
        await page.GetByRole(AriaRole.Button, new() { Name = "회원가입", Exact = true }).ClickAsync();
        await Assertions.Expect(error).ToHaveTextAsync("너무 흔하거나 추측하기 쉬운 비밀번호입니다. 여러 단어를 이어 더 길게 만들어 주세요.");
        await page.GetByLabel("비밀번호", new() { Exact = true }).FillAsync(LiveApi.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "회원가입", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "확인 메일을 보냈습니다" })).ToBeVisibleAsync();

        // The mailed link opens the account page, which confirms the address; then signing in works.
        var token = await KnowledgeBase.LocalCluster.SignUp.WaitForTokenAsync(() => ui.Api.Log.Lines, "new-" + user.Email, "verify");
        await page.GotoAsync($"account.html?action=verify&token={token}");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("이메일 주소가 확인되었습니다. 이제 로그인할 수 있습니다.");
        Assert.DoesNotContain("token", page.Url);
        await page.GetByRole(AriaRole.Link, new() { Name = "로그인 화면으로" }).ClickAsync();
        await page.GetByLabel("회사 이메일").FillAsync("new-" + user.Email);
        await page.GetByLabel("비밀번호", new() { Exact = true }).FillAsync(LiveApi.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "로그인", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "로그아웃" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_expired_token_returns_to_sign_in_with_a_message()
    {
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await page.GotoAsync("./");
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"sub\":\"x\",\"exp\":{DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds()}}}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await page.EvaluateAsync("token => sessionStorage.setItem('kb.token', token)", $"eyJhbGciOiJIUzI1NiJ9.{payload}.sig");
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "로그인이 만료되었습니다" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("회사 이메일")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('kb.token')"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task English_switch_is_remembered_across_reloads()
    {
        var user = await ui.Api.CreateUserAsync();
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, user.Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to English" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Documents", Exact = true })).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Documents", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await page.GetByRole(AriaRole.Button, new() { Name = "한국어 화면으로 보기" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "문서", Exact = true })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
