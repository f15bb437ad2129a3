using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace KnowledgeBase.BrowserTests;

/// <summary>An employee's path through the UI: sign up, upload a statute, ask in Korean, read the cited source.</summary>
[Collection(UiCollection.Name)]
public sealed class ChatPageTests(UiFixture ui)
{
    [Fact]
    public async Task Employee_uploads_a_statute_asks_in_Korean_and_opens_the_cited_article()
    {
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        var email = $"kim{Guid.NewGuid().ToString("N")[..8]}@soosan.com";
        await Ui.SignUpAsync(page, ui.Api, email, "김연차");
        var limitsBefore = await page.GetByTestId("limits").InnerTextAsync();
        Assert.Contains("남은 토큰", limitsBefore);

        await Ui.UploadAndWaitReadyAsync(page, TestData.LaborLaw("labor-standards-act.md"));
        await Assertions.Expect(page.GetByTestId("documents-table")).ToContainTextAsync("labor-standards-act.md");
        await Ui.ScreenshotAsync(page, "documents");

        await page.GetByRole(AriaRole.Link, new() { Name = "채팅" }).ClickAsync();
        var chatResponse = page.WaitForResponseAsync(r => r.Url.EndsWith("/api/chat") && r.Request.Method == "POST");
        await Ui.AskAsync(page, "연차 유급휴가는 며칠인가요?");
        var response = await chatResponse;
        Assert.StartsWith("text/event-stream", await response.HeaderValueAsync("content-type"));

        var answer = page.GetByTestId("answer").Last;
        await Assertions.Expect(answer).Not.ToHaveAttributeAsync("aria-busy", "true", new() { Timeout = 30_000 });
        await Assertions.Expect(answer).ToContainTextAsync("휴가");
        await Assertions.Expect(page.GetByTestId("user-message").Last).ToHaveTextAsync("연차 유급휴가는 며칠인가요?");

        // The citation opens the source panel with the article, its file and a way to open the original.
        var citations = answer.GetByTestId("citation");
        Assert.True(await citations.CountAsync() > 0, "the answer has no clickable citation: " + await answer.InnerTextAsync());
        var panel = page.GetByTestId("source-panel");
        var found = false;
        for (var i = 0; i < await citations.CountAsync() && !found; i++)
        {
            await citations.Nth(i).ClickAsync();
            await Assertions.Expect(panel).ToBeVisibleAsync();
            found = (await panel.InnerTextAsync()).Contains("제60조");
        }
        Assert.True(found, "no cited source shows 제60조");
        await Assertions.Expect(panel.GetByTestId("source-file")).ToHaveTextAsync("labor-standards-act.md");
        await Assertions.Expect(panel.GetByTestId("open-original")).ToBeVisibleAsync();
        await Ui.ScreenshotAsync(page, "chat-source-panel");

        // The original file opens from a blob fetched with the bearer token.
        var popup = page.Context.WaitForPageAsync();
        await panel.GetByTestId("open-original").ClickAsync();
        var original = await popup;
        await Assertions.Expect(original.Locator("body")).ToContainTextAsync("근로기준법", new() { Timeout = 15_000 });
        await original.CloseAsync();

        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(panel).ToHaveCountAsync(0);

        // Remaining tokens fall after the answer.
        await Assertions.Expect(page.GetByTestId("limits")).Not.ToHaveTextAsync(limitsBefore);

        // Feedback: thumbs up, then a wrong-answer report with a comment.
        await answer.GetByTestId("thumbs-up").ClickAsync();
        await Assertions.Expect(page.GetByTestId("thumbs-up").Last).ToHaveAttributeAsync("aria-pressed", "true");
        await page.GetByTestId("report").Last.ClickAsync();
        await page.GetByLabel("무엇이 잘못되었는지 알려 주세요").FillAsync("15일이 아니라 다른 답을 기대했습니다");
        await page.GetByRole(AriaRole.Button, new() { Name = "신고 보내기" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("thumbs-down").Last).ToHaveAttributeAsync("aria-pressed", "true");

        // A follow-up in the same conversation, then the list shows one conversation with both turns.
        await Ui.AskAsync(page, "그럼 3년 이상 근무하면요?");
        await Assertions.Expect(page.GetByTestId("answer")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("answer").Last).Not.ToHaveAttributeAsync("aria-busy", "true", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator(".conv-item")).ToHaveCountAsync(1);
        await Ui.ScreenshotAsync(page, "chat");

        // Rename and delete from the conversation list, keyboard only.
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^이름 바꾸기") }).ClickAsync();
        await page.GetByLabel("대화 이름").FillAsync("연차 문의");
        await page.GetByLabel("대화 이름").PressAsync("Enter");
        await Assertions.Expect(page.Locator(".conv-open")).ToHaveTextAsync("연차 문의");
        await Assertions.Expect(page.Locator("#chat-title")).ToHaveTextAsync("연차 문의");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^삭제") }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "정말 삭제할까요?" }).PressAsync("Enter");
        await Assertions.Expect(page.Locator(".conv-item")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Rate_limited_question_shows_the_wait_in_Korean()
    {
        var admin = await ui.Api.CreateAdminAsync();
        var user = await ui.Api.CreateUserAsync(displayName: "박한도");
        var set = await admin.Client.PutAsJsonAsync($"api/admin/users/{user.UserId}/budget",
            new { dailyTokens = 200_000, monthlyTokens = 2_000_000, requestsPerMinute = 1 });
        set.EnsureSuccessStatusCode();

        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, user.Email);
        await Ui.AskAsync(page, "휴게시간은 얼마나 주어야 하나요?");
        await Assertions.Expect(page.GetByTestId("answer").Last).Not.ToHaveAttributeAsync("aria-busy", "true", new() { Timeout = 30_000 });

        await Ui.AskAsync(page, "야간근로 수당은 어떻게 계산하나요?");
        var notice = page.GetByTestId("chat-notice");
        await Assertions.Expect(notice).ToBeVisibleAsync();
        await Assertions.Expect(notice).ToHaveTextAsync(new Regex(@"요청이 너무 많습니다\. \d+초 후에 다시 시도해 주세요\."));
        // The refused question goes back into the box so it can be sent again after the wait.
        await Assertions.Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "질문" })).ToHaveValueAsync("야간근로 수당은 어떻게 계산하나요?");
        await Assertions.Expect(page.GetByTestId("answer")).ToHaveCountAsync(1);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Shift_Enter_adds_a_line_and_Enter_sends()
    {
        var user = await ui.Api.CreateUserAsync();
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, user.Email);
        var box = page.GetByRole(AriaRole.Textbox, new() { Name = "질문" });
        await box.FocusAsync();
        await page.Keyboard.TypeAsync("첫 줄");
        await page.Keyboard.PressAsync("Shift+Enter");
        await page.Keyboard.TypeAsync("둘째 줄");
        await Assertions.Expect(box).ToHaveValueAsync("첫 줄\n둘째 줄");
        await Assertions.Expect(page.GetByTestId("user-message")).ToHaveCountAsync(0);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("user-message")).ToHaveTextAsync("첫 줄\n둘째 줄");
        await Assertions.Expect(page.GetByTestId("answer").Last).Not.ToHaveAttributeAsync("aria-busy", "true", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("stop")).ToBeHiddenAsync();
        await page.Context.CloseAsync();
    }
}
