using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace KnowledgeBase.BrowserTests;

/// <summary>The admin console's smaller promises: feedback reports appear live, charts read cleanly, and a refused budget
/// is explained in words.</summary>
[Collection(UiCollection.Name)]
public sealed class AdminDetailTests(UiFixture ui)
{
    [Fact]
    public async Task A_new_wrong_answer_report_appears_in_the_review_list_without_a_reload()
    {
        await ui.Api.CreateAdminAsync();
        var user = await ui.Api.CreateUserAsync();
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, LiveApi.AdminEmail);
        await page.GotoAsync("./#/admin");
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveTextAsync("실시간");
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        var question = $"실시간 피드백 {Guid.NewGuid():N}";
        var messageId = (await user.AskAsync(question)).GetProperty("messageId").GetString();
        (await user.Client.PostAsJsonAsync($"api/messages/{messageId}/feedback", new { rating = "down", reason = "wrong_answer", comment = "근거가 틀렸습니다" }))
            .EnsureSuccessStatusCode();
        var item = page.GetByTestId("feedback-item").Filter(new() { HasText = question });
        await Assertions.Expect(item).ToContainTextAsync("근거가 틀렸습니다", new() { Timeout = 15_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page reloaded");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Charts_have_distinct_ticks_labels_that_do_not_overlap_and_a_feedback_legend()
    {
        await ui.Api.CreateAdminAsync();
        var user = await ui.Api.CreateUserAsync();
        var messageId = (await user.AskAsync("차트 확인용 질문입니다")).GetProperty("messageId").GetString();
        (await user.Client.PostAsJsonAsync($"api/messages/{messageId}/feedback", new { rating = "up" })).EnsureSuccessStatusCode();
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, LiveApi.AdminEmail);
        await page.GotoAsync("./#/admin");
        var charts = page.GetByTestId("charts");
        await Assertions.Expect(charts.Locator("svg")).ToHaveCountAsync(5);

        var problems = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('[data-testid=charts] svg')].flatMap(svg => {
              const title = svg.querySelector('title').textContent;
              const ticks = [...svg.querySelectorAll('text.tick')];
              const y = ticks.filter(t => t.getAttribute('text-anchor') === 'end').map(t => t.textContent);
              const x = ticks.filter(t => t.getAttribute('text-anchor') === 'middle').map(t => t.getBoundingClientRect());
              const out = [];
              if (new Set(y).size !== y.length) out.push(`${title}: repeated y ticks ${y.join(',')}`);
              for (let i = 1; i < x.length; i++) if (x[i].left < x[i - 1].right + 2) out.push(`${title}: x labels ${i - 1} and ${i} overlap`);
              return out;
            })
            """);
        Assert.Empty(problems);
        var legend = page.GetByTestId("chart-legend");
        await Assertions.Expect(legend).ToContainTextAsync("도움이 됨");
        await Assertions.Expect(legend).ToContainTextAsync("도움이 안 됨");

        // The same at phone width.
        await page.SetViewportSizeAsync(390, 844);
        Assert.Empty(await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('[data-testid=charts] svg')].flatMap(svg => {
              const x = [...svg.querySelectorAll('text.tick[text-anchor=middle]')].map(t => t.getBoundingClientRect());
              const out = [];
              for (let i = 1; i < x.length; i++) if (x[i].left < x[i - 1].right + 1) out.push(svg.querySelector('title').textContent);
              return out;
            })
            """));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_refused_budget_is_explained_in_words_not_api_field_names()
    {
        await ui.Api.CreateAdminAsync();
        var user = await ui.Api.CreateUserAsync();
        var page = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(page, LiveApi.AdminEmail);
        await page.GotoAsync("./#/admin");
        var row = page.GetByTestId("usage-row").Filter(new() { HasText = user.Email });
        await row.GetByTestId("edit-budget").ClickAsync();
        var editing = page.Locator("tr.editing");
        await editing.GetByTestId("daily-input").FillAsync("900000");
        await editing.GetByTestId("monthly-input").FillAsync("1000");
        await editing.GetByTestId("save-budget").ClickAsync();
        var error = editing.GetByRole(AriaRole.Alert);
        await Assertions.Expect(error).ToHaveTextAsync("일 한도는 월 한도보다 클 수 없습니다.");
        await editing.GetByTestId("daily-input").FillAsync("");
        await editing.GetByTestId("save-budget").ClickAsync();
        await Assertions.Expect(error).ToHaveTextAsync("일 한도와 월 한도는 0 이상의 정수로 입력해 주세요.");
        await Assertions.Expect(error).Not.ToHaveTextAsync(new Regex("dailyTokens|monthlyTokens"));
        await page.Context.CloseAsync();
    }
}
