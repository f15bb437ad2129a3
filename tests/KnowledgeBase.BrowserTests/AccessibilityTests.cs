using System.Net.Http.Json;

namespace KnowledgeBase.BrowserTests;

/// <summary>axe-core on every screen, in Korean and English, light and dark, at desktop and phone width: no serious or
/// critical violation. The same walk saves a screenshot of every screen to artifacts/screenshots.</summary>
[Collection(UiCollection.Name)]
public sealed class AccessibilityTests(UiFixture ui)
{
    private static string? _conversationId;

    /// <summary>An admin with a document, a cited answer and a wrong-answer report, so every screen has content.</summary>
    private async Task<string> SeedAsync()
    {
        if (_conversationId is not null) return _conversationId;
        var admin = await ui.Api.CreateAdminAsync();
        await admin.UploadReadyAsync(TestData.LaborLaw("labor-standards-act.md"));
        var answer = await admin.AskAsync("유급휴가는 며칠 주어지나요?");
        (await admin.Client.PostAsJsonAsync($"api/messages/{answer.GetProperty("messageId").GetString()}/feedback",
            new { rating = "down", reason = "wrong_answer", comment = "3년 이상 근속 가산이 빠졌습니다" })).EnsureSuccessStatusCode();
        // The permission and quality pages get a group, a restricted collection and a finished evaluation run to show.
        var group = await admin.Client.PostAsJsonAsync("api/admin/groups", new { name = "인사팀" });
        var groupId = (await group.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("groupId").GetString();
        (await admin.Client.PostAsJsonAsync("api/collections", new
        {
            name = "인사 기밀",
            readers = new { everyone = false, groups = new[] { groupId }, users = Array.Empty<string>() },
            editors = new { groups = Array.Empty<string>(), users = Array.Empty<string>() },
        })).EnsureSuccessStatusCode();
        (await admin.Client.PostAsJsonAsync("api/admin/evaluations", new
        {
            name = "접근성 점검",
            jsonl = "{\"id\":\"q1\",\"question\":\"연차 유급휴가는 며칠인가요?\",\"expected_documents\":[\"labor-standards-act.md\"],\"expected_phrases\":[\"15일\"]}",
        })).EnsureSuccessStatusCode();
        return _conversationId = answer.GetProperty("conversationId").GetString()!;
    }

    [Theory]
    [InlineData("ko", "light", false)]
    [InlineData("ko", "dark", false)]
    [InlineData("en", "light", false)]
    [InlineData("en", "dark", false)]
    [InlineData("ko", "light", true)]
    [InlineData("ko", "dark", true)]
    [InlineData("en", "light", true)]
    [InlineData("en", "dark", true)]
    public async Task Every_screen_has_no_serious_or_critical_axe_violation(string lang, string theme, bool phone)
    {
        var conversation = await SeedAsync();
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl, phone: phone, bypassCsp: true,
            colorScheme: theme == "dark" ? ColorScheme.Dark : ColorScheme.Light);
        await page.AddInitScriptAsync($"localStorage.setItem('kb.lang', '{lang}')");
        var found = new List<string>();
        var suffix = $"{theme}-{(phone ? "phone" : "desktop")}-{lang}";

        async Task Check(string screen, ILocator ready)
        {
            await Assertions.Expect(ready).ToBeVisibleAsync(new() { Timeout = 30_000 });
            // Let transitions (drawer, toast) finish before colours are measured.
            await page.EvaluateAsync("() => Promise.all(document.getAnimations().map(a => a.finished.catch(() => {})))");
            found.AddRange((await Axe.SeriousViolationsAsync(page)).Select(v => $"[{screen}] {v}"));
            await Ui.ScreenshotAsync(page, $"{screen}-{suffix}");
        }

        await page.GotoAsync("./");
        await Check("sign-in", page.Locator("#auth-email"));
        await page.GetByTestId("auth-toggle").ClickAsync();
        await Check("sign-up", page.Locator("#auth-name"));
        await page.GetByTestId("auth-toggle").ClickAsync();
        await page.Locator("#auth-email").FillAsync(LiveApi.AdminEmail);
        await page.Locator("#auth-password").FillAsync(LiveApi.Password);
        await page.Locator("#auth-password").PressAsync("Enter");
        await Check("chat-new", page.GetByTestId("welcome"));

        await page.GotoAsync($"./#/chat/{conversation}");
        await Check("chat", page.GetByTestId("answer").Last.GetByTestId("citation").First);
        await page.GetByTestId("answer").Last.GetByTestId("citation").First.ClickAsync();
        await Check("chat-source", page.GetByTestId("cited-sentence").Or(page.GetByTestId("source-text")).First);
        await page.Keyboard.PressAsync("Escape");
        if (phone)
        {
            await page.Locator(".menu-toggle").ClickAsync();
            await Check("chat-drawer", page.GetByTestId("new-chat"));
            await page.Keyboard.PressAsync("Escape");
        }

        await page.GotoAsync("./#/documents");
        await Check("documents", page.GetByTestId("documents-table").Locator(".doc-name").First);
        await page.GotoAsync("./#/admin");
        await Check("admin", page.GetByTestId("feedback-item").First);
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("on"));
        found.AddRange((await Axe.SeriousViolationsAsync(page)).Select(v => $"[admin live] {v}"));
        await Assertions.Expect(page.GetByTestId("synonym-editor")).ToBeVisibleAsync();

        await page.GotoAsync("./#/collections");
        var restricted = page.GetByTestId("collections").Locator("tbody tr").Filter(new() { HasText = "인사 기밀" }).First;
        await Check("collections", restricted.GetByTestId("lock"));
        await restricted.GetByRole(AriaRole.Button).ClickAsync();
        await Check("collection-detail", page.GetByTestId("collection-detail").Locator("form"));
        await page.GotoAsync("./#/access");
        await Check("access", page.GetByTestId("roles").Locator("select").First);
        await page.GotoAsync("./#/audit");
        await Check("audit", page.GetByTestId("audit-rows").Locator("tr").First);
        await page.GotoAsync("./#/evaluations");
        var run = page.GetByTestId("eval-history").Locator("tr[data-run]").First;
        await Assertions.Expect(run).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await run.GetByRole(AriaRole.Button).ClickAsync();
        await Check("evaluations", page.GetByTestId("eval-results").Locator("tr").First);

        Assert.True(found.Count == 0, string.Join("\n", found));
        await page.Context.CloseAsync();
    }
}
