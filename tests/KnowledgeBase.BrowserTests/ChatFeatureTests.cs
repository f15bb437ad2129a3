using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace KnowledgeBase.BrowserTests;

/// <summary>What people expect of a chat app: the open conversation in the address, search and date groups, citations
/// that preview and highlight what they support, real answer times, toasts clear of the question box, dark mode.</summary>
[Collection(UiCollection.Name)]
public sealed class ChatFeatureTests(UiFixture ui)
{
    [Fact]
    public async Task The_open_conversation_is_in_the_address_survives_a_reload_and_follows_back_and_forward()
    {
        var user = await ui.Api.CreateUserAsync();
        var a = (await user.AskAsync("주소 테스트 첫 대화")).GetProperty("conversationId").GetString()!;
        var b = (await user.AskAsync("주소 테스트 둘째 대화")).GetProperty("conversationId").GetString()!;
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, user.Email);

        await page.Locator(".conv-open").Filter(new() { HasText = "첫 대화" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"#/chat/{a}$"));
        await page.Locator(".conv-open").Filter(new() { HasText = "둘째 대화" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"#/chat/{b}$"));

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("user-message")).ToHaveTextAsync("주소 테스트 둘째 대화");
        await page.GoBackAsync();
        await Assertions.Expect(page.GetByTestId("user-message")).ToHaveTextAsync("주소 테스트 첫 대화");
        await page.GoForwardAsync();
        await Assertions.Expect(page.GetByTestId("user-message")).ToHaveTextAsync("주소 테스트 둘째 대화");

        // A link to the conversation opens it in a fresh tab after signing in.
        var other = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await other.GotoAsync($"./#/chat/{a}");
        await other.GetByLabel("회사 이메일").FillAsync(user.Email);
        await other.GetByLabel("비밀번호", new() { Exact = true }).FillAsync(LiveApi.Password);
        await other.GetByRole(AriaRole.Button, new() { Name = "로그인", Exact = true }).ClickAsync();
        await Assertions.Expect(other.GetByTestId("user-message")).ToHaveTextAsync("주소 테스트 첫 대화");
        await other.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Conversations_are_grouped_by_date_and_search_narrows_them()
    {
        var user = await ui.Api.CreateUserAsync();
        await user.AskAsync("출장비 정산은 어떻게 하나요?");
        await user.AskAsync("연차 사용 절차가 궁금합니다");
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, user.Email);
        var list = page.GetByTestId("conversation-list");
        await Assertions.Expect(list.GetByRole(AriaRole.Heading, new() { Name = "오늘" })).ToBeVisibleAsync();
        await Assertions.Expect(list.Locator(".conv-item")).ToHaveCountAsync(2);

        await page.GetByTestId("conversation-search").FillAsync("출장");
        await Assertions.Expect(list.Locator(".conv-item")).ToHaveCountAsync(1);
        await Assertions.Expect(list.Locator(".conv-open")).ToHaveTextAsync("출장비 정산은 어떻게 하나요?");
        await page.GetByTestId("conversation-search").FillAsync("없는 단어");
        await Assertions.Expect(list).ToContainTextAsync("찾는 대화가 없습니다.");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Search_finds_conversations_by_the_text_of_later_questions_and_answers_and_shows_the_passage()
    {
        var user = await ui.Api.CreateUserAsync();
        var travel = (await user.AskAsync("출장비 정산은 어떻게 하나요?")).GetProperty("answer").GetString()!;
        var leave = (await user.AskAsync("연차 사용 절차가 궁금합니다")).GetProperty("conversationId").GetString();
        var severance = (await user.AskAsync("퇴직금 중간정산도 가능한가요?", leave)).GetProperty("answer").GetString()!;
        // Words from the middle of the follow-up's answer: in no title or question.
        var line = severance.Trim().Split('\n')[0];
        var probe = line.Substring(Math.Min(4, line.Length / 4), Math.Min(8, line.Length));
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, user.Email);
        var list = page.GetByTestId("conversation-list");
        await Assertions.Expect(list.Locator(".conv-item")).ToHaveCountAsync(2);

        // A later question, not the title.
        await page.GetByTestId("conversation-search").FillAsync("중간정산");
        await Assertions.Expect(list.GetByTestId("conversation-snippet")).ToHaveTextAsync("퇴직금 중간정산도 가능한가요?");
        await Assertions.Expect(list.Locator(".conv-item")).ToHaveCountAsync(1);
        await Assertions.Expect(list.Locator(".conv-open")).ToContainTextAsync("연차 사용 절차가 궁금합니다");

        // An answer's text.
        await page.GetByTestId("conversation-search").FillAsync(probe);
        await Assertions.Expect(list.GetByTestId("conversation-snippet")).ToHaveCountAsync(travel.Contains(probe) ? 2 : 1);
        var found = list.Locator(".conv-item").Filter(new() { HasText = "연차 사용 절차가 궁금합니다" });
        await Assertions.Expect(found.GetByTestId("conversation-snippet")).ToContainTextAsync(probe);

        await list.Locator(".conv-open").Filter(new() { HasText = "연차 사용 절차" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("user-message")).ToHaveCountAsync(2);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_citation_previews_on_hover_and_the_panel_highlights_the_cited_sentence_with_page_and_chunk()
    {
        var user = await ui.Api.CreateUserAsync();
        await user.UploadReadyAsync(TestData.LaborLaw("labor-standards-act.md"));
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, user.Email);
        await Ui.AskAsync(page, "연차 유급휴가 일수는 어떻게 되나요?");
        var answer = page.GetByTestId("answer").Last;
        await Assertions.Expect(answer).Not.ToHaveAttributeAsync("aria-busy", "true", new() { Timeout = 30_000 });
        var citation = answer.GetByTestId("citation").First;

        await citation.HoverAsync();
        var preview = page.GetByTestId("citation-preview");
        await Assertions.Expect(preview).ToBeVisibleAsync();
        await Assertions.Expect(preview).ToContainTextAsync("labor-standards-act.md");
        await Assertions.Expect(preview).ToContainTextAsync(new Regex("조각 \\d+"));
        await page.Mouse.MoveAsync(0, 0);
        await Assertions.Expect(preview).ToHaveCountAsync(0);

        await citation.ClickAsync();
        var panel = page.GetByTestId("source-panel");
        await Assertions.Expect(panel.GetByTestId("source-chunk")).ToHaveTextAsync(new Regex("^\\d+$"));
        var mark = panel.GetByTestId("cited-sentence");
        await Assertions.Expect(mark).ToHaveCountAsync(1);
        await Assertions.Expect(mark).ToBeInViewportAsync();
        // The highlighted sentence shares words with the sentence the citation stands in.
        var marked = await mark.InnerTextAsync();
        Assert.Matches("휴가|연차|15일", marked);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_reopened_chat_shows_each_answers_real_time_not_zero()
    {
        var user = await ui.Api.CreateUserAsync();
        var id = (await user.AskAsync("휴게시간은 얼마나 주어야 하나요?")).GetProperty("conversationId").GetString()!;
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, user.Email);
        await page.GotoAsync($"./#/chat/{id}");
        var usage = page.GetByTestId("answer").Last.GetByTestId("usage");
        await Assertions.Expect(usage).ToContainTextAsync(new Regex(@"\d+\.\d+초"));
        await Assertions.Expect(usage).Not.ToContainTextAsync("0.0초");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_toast_never_covers_the_question_box()
    {
        var user = await ui.Api.CreateUserAsync();
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl, phone: true);
        await Ui.SignInAsync(page, user.Email);
        await Ui.AskAsync(page, "휴게시간은 얼마나 주어야 하나요?");
        await Assertions.Expect(page.GetByTestId("answer").Last).Not.ToHaveAttributeAsync("aria-busy", "true", new() { Timeout = 30_000 });
        await page.GetByTestId("answer").Last.GetByRole(AriaRole.Button, new() { Name = "복사" }).ClickAsync();
        var toast = page.Locator("#toast.show");
        await Assertions.Expect(toast).ToBeVisibleAsync();
        var t = (await toast.BoundingBoxAsync())!;
        var c = (await page.GetByTestId("composer").BoundingBoxAsync())!;
        Assert.True(t.Y + t.Height <= c.Y || t.Y >= c.Y + c.Height, $"the toast ({t.Y}-{t.Y + t.Height}) covers the question box ({c.Y}-{c.Y + c.Height})");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Dark_mode_follows_the_system_and_the_switch_is_remembered()
    {
        var user = await ui.Api.CreateUserAsync();
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl, colorScheme: ColorScheme.Dark);
        await Ui.SignInAsync(page, user.Email);
        async Task<string> Background() => await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.composer')).backgroundColor");
        var dark = await Background();
        Assert.Equal("rgb(23, 29, 43)", dark);

        await page.GetByTestId("theme").SelectOptionAsync("light");
        Assert.Equal("rgb(255, 255, 255)", await Background());
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("theme")).ToHaveValueAsync("light");
        Assert.Equal("rgb(255, 255, 255)", await Background());
        await page.GetByTestId("theme").SelectOptionAsync("system");
        Assert.Equal(dark, await Background());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_site_has_a_favicon()
    {
        using var http = ui.Api.Http();
        var ico = await http.GetAsync("favicon.ico");
        Assert.Equal(System.Net.HttpStatusCode.OK, ico.StatusCode);
        Assert.True((await ico.Content.ReadAsByteArrayAsync()).Length > 0);
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await page.GotoAsync("./");
        var icon = await page.Locator("link[rel=icon]").First.GetAttributeAsync("href");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(icon)).StatusCode);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Sign_up_names_the_allowed_domains_before_anything_is_typed()
    {
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await page.GotoAsync("./");
        await page.GetByRole(AriaRole.Button, new() { Name = "계정이 없으신가요? 회원가입" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("allowed-domains")).ToContainTextAsync("@soosan.com");
        await Assertions.Expect(page.GetByLabel("회사 이메일")).ToHaveAttributeAsync("aria-describedby", new Regex("auth-domains"));
        await Assertions.Expect(page.Locator("main")).ToHaveCountAsync(1);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Unsupported_files_are_refused_at_upload_with_the_reason_in_one_language_and_never_listed()
    {
        var user = await ui.Api.CreateUserAsync();
        var dir = Directory.CreateTempSubdirectory("kb-unsupported");
        try
        {
            var png = Path.Combine(dir.FullName, "사진.png");
            await File.WriteAllBytesAsync(png, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, (byte)'I', (byte)'H', (byte)'D', (byte)'R']);
            var fakePdf = Path.Combine(dir.FullName, "가짜.pdf");
            await File.WriteAllTextAsync(fakePdf, "this is not a pdf");
            var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
            await Ui.SignInAsync(page, user.Email);
            await page.GotoAsync("./#/documents");
            await page.GetByTestId("file-input").SetInputFilesAsync(new[] { png, fakePdf });
            var pngRow = page.GetByTestId("upload-row").Filter(new() { HasText = "사진.png" });
            await Assertions.Expect(pngRow).ToContainTextAsync("PNG 파일은 지원하지 않는 형식입니다.");
            await Assertions.Expect(pngRow).Not.ToContainTextAsync("Unsupported");
            var pdfRow = page.GetByTestId("upload-row").Filter(new() { HasText = "가짜.pdf" });
            await Assertions.Expect(pdfRow).ToContainTextAsync("PDF 파일이 손상되어");
            await Assertions.Expect(page.GetByTestId("documents-table")).Not.ToContainTextAsync("사진.png");
            await Assertions.Expect(page.GetByTestId("documents-table")).Not.ToContainTextAsync("가짜.pdf");

            await page.GetByRole(AriaRole.Button, new() { Name = "Switch to English" }).ClickAsync();
            await page.GetByTestId("file-input").SetInputFilesAsync(png);
            var english = page.GetByTestId("upload-row").Filter(new() { HasText = "사진.png" }).First;
            await Assertions.Expect(english).ToContainTextAsync("Unsupported file type PNG.");
            await Assertions.Expect(english).Not.ToContainTextAsync("지원하지");
            await page.Context.CloseAsync();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
