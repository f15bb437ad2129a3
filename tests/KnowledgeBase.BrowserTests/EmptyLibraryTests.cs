namespace KnowledgeBase.BrowserTests;

/// <summary>A company that has uploaded nothing yet: the chat says so and points to 문서, and questions cost nothing
/// because no model is asked when no document can answer.</summary>
public sealed class EmptyLibraryTests : IAsyncLifetime
{
    private OpenAiStubServer? _stub;
    private ModelLiveApi? _api;
    private readonly Browser _browser = new();

    public async Task InitializeAsync()
    {
        _stub = await OpenAiStubServer.StartAsync();
        _api = new ModelLiveApi(_stub.BaseUrl);
        _api.StartServer();
        await _browser.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        if (_api is not null) await _api.DisposeAsync();
        if (_stub is not null) await _stub.DisposeAsync();
    }

    [Fact]
    public async Task With_no_documents_the_welcome_links_to_documents_and_a_question_costs_nothing()
    {
        var user = await _api!.CreateUserAsync();
        var page = await _browser.NewPageAsync(_api.BaseUrl);
        await Ui.SignInAsync(page, user.Email);
        var welcome = page.GetByTestId("welcome");
        await Assertions.Expect(welcome).ToContainTextAsync("아직 올라온 문서가 없습니다");
        var before = await user.RemainingTodayAsync();
        _stub!.ClearRequests();

        await Ui.AskAsync(page, "연차 유급휴가는 며칠인가요?");
        var answer = page.GetByTestId("answer").Last;
        await Assertions.Expect(answer).Not.ToHaveAttributeAsync("aria-busy", "true", new() { Timeout = 30_000 });
        await Assertions.Expect(answer).ToContainTextAsync("문서");
        Assert.Empty(_stub.ChatRequests);
        Assert.Equal(before, await user.RemainingTodayAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "+ 새 대화" }).ClickAsync();
        await page.GetByTestId("welcome-documents").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/documents$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "문서", Exact = true })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
