using System.Net.Http.Json;

namespace KnowledgeBase.BrowserTests;

[Collection(UiCollection.Name)]
public sealed class AdminConsoleTests(UiFixture ui)
{
    [Fact]
    public async Task Admin_sees_a_users_tokens_rise_in_the_live_table_without_reloading()
    {
        await ui.Api.CreateAdminAsync();
        var user = await ui.Api.CreateUserAsync(displayName: "이실시간");
        // An answer costs tokens only when there is something to answer from (an empty library says "not found" for free).
        await user.UploadReadyAsync(TestData.LaborLaw("labor-standards-act.md"));
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, LiveApi.AdminEmail);
        await page.GetByRole(AriaRole.Link, new() { Name = "관리자" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveTextAsync("실시간");

        var row = page.GetByTestId("usage-row").Filter(new() { HasText = user.Email });
        await Assertions.Expect(row.GetByTestId("tokens-today")).ToHaveTextAsync("0");
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        var chat = await user.Client.PostAsJsonAsync("api/chat", new { question = "연장근로의 제한은 어떻게 되나요?" });
        chat.EnsureSuccessStatusCode();
        await Assertions.Expect(row.GetByTestId("tokens-today")).Not.ToHaveTextAsync("0", new() { Timeout = 10_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page reloaded");
        await Assertions.Expect(page.GetByTestId("company-tokens-today")).Not.ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"\D0$"));

        // Inline budget edit, keyboard only: Enter saves.
        await row.GetByTestId("edit-budget").ClickAsync();
        var editing = page.Locator("tr.editing");
        await editing.GetByTestId("daily-input").FillAsync("50000");
        await editing.GetByTestId("monthly-input").FillAsync("900000");
        await editing.GetByTestId("rpm-input").FillAsync("12");
        await editing.GetByTestId("rpm-input").PressAsync("Enter");
        await Assertions.Expect(row).ToContainTextAsync("50,000");
        await Assertions.Expect(row).ToContainTextAsync("900,000");
        var me = await user.Client.GetFromJsonAsync<System.Text.Json.JsonElement>("api/auth/me");
        Assert.Equal(50_000, me.GetProperty("budget").GetProperty("dailyTokens").GetInt64());
        Assert.Equal(12, me.GetProperty("rateLimitPerMinute").GetInt32());

        // Charts are drawn from the product's own data.
        await Assertions.Expect(page.GetByTestId("charts").Locator("svg")).ToHaveCountAsync(5);
        await Assertions.Expect(page.GetByTestId("charts")).ToContainTextAsync("시간별 요청");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Feedback_review_lists_wrong_answer_reports_with_question_answer_and_comment()
    {
        var user = await ui.Api.CreateUserAsync();
        var answer = await (await user.Client.PostAsJsonAsync("api/chat", new { question = "퇴직금은 어떻게 계산하나요?" }))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var messageId = answer.GetProperty("messageId").GetString();
        (await user.Client.PostAsJsonAsync($"api/messages/{messageId}/feedback",
            new { rating = "down", reason = "wrong_answer", comment = "평균임금 기준이 빠졌습니다" })).EnsureSuccessStatusCode();

        await ui.Api.CreateAdminAsync();
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, LiveApi.AdminEmail);
        await page.GotoAsync("./#/admin");
        var item = page.GetByTestId("feedback-item").Filter(new() { HasText = "퇴직금은 어떻게 계산하나요?" });
        await Assertions.Expect(item).ToContainTextAsync("잘못된 답변");
        await Assertions.Expect(item).ToContainTextAsync("평균임금 기준이 빠졌습니다");
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveTextAsync("실시간");
        await Assertions.Expect(page.GetByTestId("charts").Locator("svg")).ToHaveCountAsync(5);
        await Ui.ScreenshotAsync(page, "admin");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Feedback_review_attaches_the_right_source_to_a_down_voted_question_and_lists_it_removably()
    {
        var user = await ui.Api.CreateUserAsync();
        await user.UploadReadyAsync(TestData.LaborLaw("labor-standards-act.md"));
        var question = "그만둘 때 받는 돈은 어떻게 정해요? " + Guid.NewGuid().ToString("N")[..6];
        var answer = await (await user.Client.PostAsJsonAsync("api/chat", new { question })).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        (await user.Client.PostAsJsonAsync($"api/messages/{answer.GetProperty("messageId").GetString()}/feedback",
            new { rating = "down", reason = "wrong_answer" })).EnsureSuccessStatusCode();

        var admin = await ui.Api.CreateAdminAsync();
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, LiveApi.AdminEmail);
        await page.GotoAsync("./#/admin");
        var item = page.GetByTestId("feedback-item").Filter(new() { HasText = question });
        await item.GetByText("정답 출처 지정하기").ClickAsync();
        await item.GetByTestId("boost-query").FillAsync("퇴직금 평균임금");
        await item.GetByRole(AriaRole.Button, new() { Name = "찾기" }).ClickAsync();
        await item.GetByTestId("boost-attach").First.ClickAsync();
        await Assertions.Expect(item).ToContainTextAsync("지정했습니다");

        var listed = page.GetByTestId("boost-item").Filter(new() { HasText = question });
        await Assertions.Expect(listed).ToHaveCountAsync(1);
        var boosts = await admin.Client.GetFromJsonAsync<System.Text.Json.JsonElement>("api/admin/boosts");
        Assert.Contains(boosts.GetProperty("boosts").EnumerateArray(), b => b.GetProperty("question").GetString() == question);

        await listed.GetByTestId("boost-remove").ClickAsync();
        await Assertions.Expect(listed).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Admin_link_and_console_are_not_offered_to_employees()
    {
        var user = await ui.Api.CreateUserAsync();
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, user.Email);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "관리자" })).ToHaveCountAsync(0);
        await page.GotoAsync("./#/admin");
        await Assertions.Expect(page.GetByTestId("usage-table")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "질문" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
