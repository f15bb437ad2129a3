namespace KnowledgeBase.BrowserTests;

/// <summary>Only the message list scrolls: the question box, the conversation list and the top bar stay where they are.</summary>
[Collection(UiCollection.Name)]
public sealed class PinnedLayoutTests(UiFixture ui)
{
    private static readonly string[] FollowUps = ["휴게시간은 얼마나 주어야 하나요?", "야간근로 수당은 어떻게 계산하나요?", "연장근로의 제한은 어떻게 되나요?"];

    /// <summary>A four-turn conversation about the labour act, made through the api.</summary>
    private async Task<(ApiUser User, string ConversationId)> LongChatAsync()
    {
        var user = await ui.Api.CreateUserAsync();
        await user.UploadReadyAsync(TestData.LaborLaw("labor-standards-act.md"));
        var id = (await user.AskAsync("연차 휴가는 얼마나 쓸 수 있나요?")).GetProperty("conversationId").GetString()!;
        foreach (var question in FollowUps) await user.AskAsync(question, id);
        return (user, id);
    }

    [Fact]
    public async Task A_long_chat_opens_at_its_newest_message_and_scrolls_inside_with_the_question_box_and_list_pinned()
    {
        var (user, _) = await LongChatAsync();
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl, viewport: new() { Width = 1280, Height = 800 });
        await Ui.SignInAsync(page, user.Email);
        await page.Locator(".conv-open").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("answer")).ToHaveCountAsync(4);

        // Opening shows the newest message; the oldest is above, out of view.
        await Assertions.Expect(page.GetByTestId("answer").Last).ToBeInViewportAsync();
        await Assertions.Expect(page.GetByTestId("user-message").First).Not.ToBeInViewportAsync();
        await Assertions.Expect(page.GetByTestId("composer")).ToBeInViewportAsync(new() { Ratio = 1 });
        Assert.False(await WindowScrollsAsync(page), "the whole page scrolls instead of the message list");

        // Reading back to the start moves only the messages.
        await page.GetByTestId("messages").EvaluateAsync("el => { el.scrollTop = 0; }");
        await Assertions.Expect(page.GetByTestId("user-message").First).ToBeInViewportAsync();
        await Assertions.Expect(page.GetByTestId("composer")).ToBeInViewportAsync(new() { Ratio = 1 });
        await Assertions.Expect(page.GetByTestId("new-chat")).ToBeInViewportAsync(new() { Ratio = 1 });
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "주 메뉴" })).ToBeInViewportAsync(new() { Ratio = 1 });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task On_a_phone_the_top_bar_and_question_box_stay_while_the_messages_scroll()
    {
        var (user, id) = await LongChatAsync();
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl, phone: true);
        await Ui.SignInAsync(page, user.Email);
        await page.GotoAsync($"./#/chat/{id}");
        await Assertions.Expect(page.GetByTestId("answer")).ToHaveCountAsync(4);
        await Assertions.Expect(page.GetByTestId("answer").Last).ToBeInViewportAsync();
        foreach (var top in new[] { "0", "el.scrollHeight" })
        {
            await page.GetByTestId("messages").EvaluateAsync($"el => {{ el.scrollTop = {top}; }}");
            await Assertions.Expect(page.Locator("header.topbar")).ToBeInViewportAsync(new() { Ratio = 1 });
            await Assertions.Expect(page.GetByTestId("composer")).ToBeInViewportAsync(new() { Ratio = 1 });
        }
        Assert.False(await WindowScrollsAsync(page), "the whole page scrolls on a phone");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Documents_and_admin_pages_fit_a_390px_phone_without_breaking_words()
    {
        var admin = await ui.Api.CreateAdminAsync();
        await admin.UploadReadyAsync(TestData.LaborLaw("labor-standards-act.md"));
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl, phone: true);
        await Ui.SignInAsync(page, LiveApi.AdminEmail);

        await page.GotoAsync("./#/documents");
        var name = page.GetByTestId("documents-table").Locator(".doc-name").Filter(new() { HasText = "labor-standards-act.md" }).First;
        await Assertions.Expect(name).ToBeVisibleAsync();
        // A name broken letter by letter is a column a few characters wide and many lines tall.
        var box = (await name.BoundingBoxAsync())!;
        Assert.True(box.Width > 200, $"the document name is squeezed to {box.Width}px");
        Assert.True(box.Height < 60, $"the document name wraps to {box.Height}px");
        Assert.Equal(390, await PageWidthAsync(page));

        await page.GotoAsync("./#/admin");
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveTextAsync("실시간");
        await Assertions.Expect(page.GetByTestId("charts").Locator("svg")).ToHaveCountAsync(5);
        Assert.Equal(390, await PageWidthAsync(page));
        await page.Context.CloseAsync();
    }

    private static Task<bool> WindowScrollsAsync(IPage page)
        => page.EvaluateAsync<bool>("() => document.scrollingElement.scrollHeight > window.innerHeight + 1 || window.scrollY > 0");

    /// <summary>How wide the page's content is, in CSS pixels (wide tables scroll inside their own box and do not count):
    /// more than the screen means the page scrolls sideways.</summary>
    private static Task<int> PageWidthAsync(IPage page)
        => page.EvaluateAsync<int>("() => Math.max(document.documentElement.scrollWidth, document.querySelector('main').scrollWidth)");
}
