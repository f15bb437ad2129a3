using System.Text.RegularExpressions;

namespace KnowledgeBase.BrowserTests;

/// <summary>Keyboard and screen-reader use: focus lands somewhere meaningful after every action, no invisible Tab stops,
/// the source panel keeps focus until it closes, and nothing is told only on hover.</summary>
[Collection(UiCollection.Name)]
public sealed class KeyboardTests(UiFixture ui)
{
    private static Task<string> FocusedAsync(IPage page)
        => page.EvaluateAsync<string>("() => { const e = document.activeElement; return e === document.body ? 'BODY' : (e.getAttribute('data-testid') || e.className || e.tagName) + ':' + (e.textContent || e.getAttribute('aria-label') || '').trim(); }");

    [Fact]
    public async Task Focus_stays_in_the_conversation_list_after_choosing_or_deleting_a_conversation()
    {
        var user = await ui.Api.CreateUserAsync();
        await user.AskAsync("첫 번째 대화 질문입니다");
        await user.AskAsync("두 번째 대화 질문입니다");
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, user.Email);

        var first = page.Locator(".conv-open").Filter(new() { HasText = "첫 번째" });
        await first.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("user-message")).ToHaveTextAsync("첫 번째 대화 질문입니다");
        Assert.Equal("conv-open:첫 번째 대화 질문입니다", await FocusedAsync(page));

        await page.GetByRole(AriaRole.Button, new() { Name = "삭제: 첫 번째 대화 질문입니다" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "정말 삭제할까요?" }).PressAsync("Enter");
        await Assertions.Expect(page.Locator(".conv-item")).ToHaveCountAsync(1);
        Assert.Equal("conv-open:두 번째 대화 질문입니다", await FocusedAsync(page));

        await page.GetByRole(AriaRole.Button, new() { Name = "삭제: 두 번째 대화 질문입니다" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "정말 삭제할까요?" }).PressAsync("Enter");
        await Assertions.Expect(page.Locator(".conv-item")).ToHaveCountAsync(0);
        Assert.Equal("new-chat:+ 새 대화", await FocusedAsync(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_documents_page_has_no_invisible_Tab_stop_and_the_picker_is_a_real_button()
    {
        var user = await ui.Api.CreateUserAsync();
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, user.Email);
        await page.GotoAsync("./#/documents");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "파일 선택" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "파일 선택" }).FocusAsync();
        for (var i = 0; i < 6; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var visible = await page.EvaluateAsync<bool>("() => { const r = document.activeElement.getBoundingClientRect(); return r.width > 2 && r.height > 2; }");
            Assert.True(visible, "Tab reached an element nobody can see: " + await FocusedAsync(page));
        }
        await Assertions.Expect(page.Locator("label[role=button]")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Tab_stays_inside_the_source_panel_and_Escape_returns_to_the_citation()
    {
        var user = await ui.Api.CreateUserAsync();
        await user.UploadReadyAsync(TestData.LaborLaw("labor-standards-act.md"));
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, user.Email);
        await Ui.AskAsync(page, "연차휴가 일수를 알려 주세요");
        var citation = page.GetByTestId("answer").Last.GetByTestId("citation").First;
        await citation.ClickAsync();
        var panel = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(panel).ToBeVisibleAsync();
        await Assertions.Expect(panel).ToHaveAttributeAsync("aria-labelledby", "source-title");
        for (var i = 0; i < 8; i++)
        {
            await page.Keyboard.PressAsync(i % 3 == 2 ? "Shift+Tab" : "Tab");
            Assert.True(await page.EvaluateAsync<bool>("() => !!document.activeElement.closest('[data-testid=source-panel]')"),
                "focus left the source panel: " + await FocusedAsync(page));
        }
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.GetByTestId("source-panel")).ToHaveCountAsync(0);
        await Assertions.Expect(citation).ToBeFocusedAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Token_usage_detail_opens_from_the_keyboard_not_only_on_hover()
    {
        var user = await ui.Api.CreateUserAsync();
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, user.Email);
        var limits = page.GetByTestId("limits");
        await Assertions.Expect(limits).ToHaveAttributeAsync("aria-expanded", "false");
        await limits.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(limits).ToHaveAttributeAsync("aria-expanded", "true");
        var detail = page.GetByTestId("limits-detail");
        await Assertions.Expect(detail).ToBeVisibleAsync();
        await Assertions.Expect(detail).ToContainTextAsync(new Regex(@"0 / [\d,]+ 토큰 사용"));
        await Assertions.Expect(detail).ToContainTextAsync("분당");
        await page.Context.CloseAsync();
    }
}
