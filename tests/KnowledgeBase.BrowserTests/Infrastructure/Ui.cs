using System.Text.RegularExpressions;

namespace KnowledgeBase.BrowserTests.Infrastructure;

/// <summary>What a person does in the UI, as steps the tests share.</summary>
public static class Ui
{
    /// <summary>Signs up in the form, opens the verification link the api wrote to its log (no SMTP here), and signs in.</summary>
    public static async Task SignUpAsync(IPage page, LiveApi api, string email, string name, string password = LiveApi.Password)
    {
        await page.GotoAsync("./");
        await page.GetByRole(AriaRole.Button, new() { Name = "계정이 없으신가요? 회원가입" }).ClickAsync();
        await page.GetByLabel("회사 이메일").FillAsync(email);
        await page.GetByLabel("비밀번호", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("이름").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "회원가입", Exact = true }).ClickAsync();
        var token = await KnowledgeBase.LocalCluster.SignUp.WaitForTokenAsync(() => api.Log.Lines, email, "verify");
        await page.GotoAsync($"account.html?action=verify&token={token}");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("이메일 주소가 확인되었습니다. 이제 로그인할 수 있습니다.");
        await SignInAsync(page, email, password);
    }

    public static async Task SignInAsync(IPage page, string email, string password = LiveApi.Password)
    {
        await page.GotoAsync("./");
        await page.GetByLabel("회사 이메일").FillAsync(email);
        await page.GetByLabel("비밀번호", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "로그인", Exact = true }).ClickAsync();
        // The first sign-up or sign-in on a fresh server also starts the grains behind it (a few seconds here).
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "주 메뉴" })).ToBeVisibleAsync(new() { Timeout = 20_000 });
    }

    /// <summary>Uploads through the file picker and waits until the document's row says 준비됨 (ready).</summary>
    public static async Task UploadAndWaitReadyAsync(IPage page, string path, string? fileName = null)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "문서", Exact = true }).ClickAsync();
        await page.GetByTestId("file-input").SetInputFilesAsync(path);
        var row = page.GetByTestId("upload-row").Filter(new() { HasText = fileName ?? Path.GetFileName(path) }).First;
        await Assertions.Expect(row.GetByTestId("status")).ToHaveTextAsync("준비됨", new() { Timeout = 60_000 });
    }

    public static async Task AskAsync(IPage page, string question)
    {
        var box = page.GetByRole(AriaRole.Textbox, new() { Name = "질문" });
        await box.FillAsync(question);
        await box.PressAsync("Enter");
    }

    public static async Task ScreenshotAsync(IPage page, string name)
        => await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots.Dir, name + ".png"), FullPage = true });

    public static Regex Text(string literal) => new(Regex.Escape(literal));
}
