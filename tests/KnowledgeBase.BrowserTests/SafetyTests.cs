namespace KnowledgeBase.BrowserTests;

/// <summary>Model and document text is shown as text: markup in a document or a question never becomes elements.</summary>
[Collection(UiCollection.Name)]
public sealed class SafetyTests(UiFixture ui)
{
    private const string ImageAttack = "<img src=x onerror=\"window.__xss=1;alert(1)\">";
    private const string ScriptAttack = "<script>window.__xss=2;alert(2)</script>";

    [Fact]
    public async Task Markup_in_a_document_and_in_a_question_renders_as_literal_text()
    {
        var path = Path.Combine(Path.GetTempPath(), $"xss-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(path,
            "출장비 정산 규정\n\n" +
            $"출장비 정산 규정에 따라 숙박비는 하루 10만원까지 지급한다. {ImageAttack} 식비는 {ScriptAttack} 하루 3만원이다.\n");
        try
        {
            var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
            var dialogs = new List<string>();
            page.Dialog += (_, dialog) => { dialogs.Add(dialog.Message); _ = dialog.DismissAsync(); };
            await Ui.SignUpAsync(page, ui.Api, $"xss{Guid.NewGuid().ToString("N")[..8]}@soosan.com", "<b>굵은</b> 이름");
            await Ui.UploadAndWaitReadyAsync(page, path);

            await page.GetByRole(AriaRole.Link, new() { Name = "채팅" }).ClickAsync();
            var question = $"출장비 정산 규정 숙박비 {ImageAttack} 알려주세요";
            await Ui.AskAsync(page, question);
            var answer = page.GetByTestId("answer").Last;
            await Assertions.Expect(answer).Not.ToHaveAttributeAsync("aria-busy", "true", new() { Timeout = 30_000 });

            await Assertions.Expect(page.GetByTestId("user-message").Last).ToHaveTextAsync(question);
            var citation = answer.GetByTestId("citation").First;
            await citation.ClickAsync();
            var panel = page.GetByTestId("source-panel");
            await Assertions.Expect(panel.GetByTestId("source-text")).ToContainTextAsync(ImageAttack);
            await Assertions.Expect(panel.GetByTestId("source-text")).ToContainTextAsync(ScriptAttack);

            Assert.Equal(0, await page.Locator("[data-testid=messages] img, [data-testid=source-panel] img, [data-testid=messages] script, [data-testid=source-panel] script, b").CountAsync());
            Assert.Empty(dialogs);
            Assert.Null(await page.EvaluateAsync<int?>("() => window.__xss ?? null"));
            await Assertions.Expect(page.Locator(".who")).ToHaveTextAsync("<b>굵은</b> 이름");
            await page.Context.CloseAsync();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
