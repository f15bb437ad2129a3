using System.Net.Http.Json;
using System.Text.Json;

namespace KnowledgeBase.BrowserTests;

/// <summary>The permission pages as an admin uses them: a group and a collection made in the UI, a document uploaded into
/// the collection through the upload picker; a member of the group then sees it (with its lock badge) and gets answers
/// from it, and a member outside the group does neither. Roles change from the same pages.</summary>
[Collection(UiCollection.Name)]
public sealed class PermissionPagesTests(UiFixture ui)
{
    [Fact]
    public async Task A_collection_an_admin_gives_to_a_group_is_read_by_its_members_only()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        string groupName = $"인사팀 {suffix}", collectionName = $"인사 기밀 {suffix}", insiderName = $"인사팀원 {suffix}";
        await ui.Api.CreateAdminAsync();
        var insider = await ui.Api.CreateUserAsync(displayName: insiderName);
        var outsider = await ui.Api.CreateUserAsync(displayName: $"영업팀원 {suffix}");
        var file = Path.Combine(ui.Api.Root, $"bonus-{suffix}.md");
        Directory.CreateDirectory(ui.Api.Root);
        await File.WriteAllTextAsync(file, $"# 성과급 지급 기준 {suffix}\n\n2027년 성과급 지급률은 기본급의 350퍼센트로 한다. 성과급은 매년 3월에 지급한다.\n");

        var admin = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(admin, LiveApi.AdminEmail);

        // A group with the insider in it.
        await admin.GetByRole(AriaRole.Link, new() { Name = "그룹·권한" }).ClickAsync();
        await admin.GetByLabel("새 그룹").FillAsync(groupName);
        await admin.GetByRole(AriaRole.Button, new() { Name = "만들기" }).ClickAsync();
        var group = admin.GetByTestId("groups").Locator("li").Filter(new() { HasText = groupName });
        await group.GetByRole(AriaRole.Button, new() { Name = "구성원", Exact = true }).ClickAsync();
        // Users are found in the directory by the start of their name.
        await group.GetByLabel("사용자 검색").FillAsync(insiderName);
        await group.GetByRole(AriaRole.Checkbox, new() { Name = insiderName }).CheckAsync();
        await group.GetByRole(AriaRole.Button, new() { Name = "구성원 저장" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("groups").Locator("li").Filter(new() { HasText = groupName })).ToContainTextAsync("1명");

        // A collection only that group reads: restricted from the start, so it shows the lock.
        await admin.GetByRole(AriaRole.Link, new() { Name = "문서함" }).ClickAsync();
        await admin.GetByLabel("새 문서함").FillAsync(collectionName);
        await admin.GetByRole(AriaRole.Button, new() { Name = "만들기" }).ClickAsync();
        var row = admin.GetByTestId("collections").Locator("tr").Filter(new() { HasText = collectionName });
        await Assertions.Expect(row.GetByTestId("lock")).ToBeVisibleAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "관리" }).ClickAsync();
        var detail = admin.GetByTestId("collection-detail");
        await detail.GetByRole(AriaRole.Group, new() { Name = "읽기 권한" }).GetByRole(AriaRole.Checkbox, new() { Name = groupName }).CheckAsync();
        await detail.GetByRole(AriaRole.Button, new() { Name = "저장", Exact = true }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync(groupName);

        // The upload picker offers the collection (with its lock); the document goes there.
        await admin.GetByRole(AriaRole.Link, new() { Name = "문서", Exact = true }).ClickAsync();
        await admin.GetByTestId("upload-collection").SelectOptionAsync(new SelectOptionValue { Label = collectionName + " · 제한" });
        await admin.GetByTestId("file-input").SetInputFilesAsync(file);
        await Assertions.Expect(admin.GetByTestId("upload-row").Filter(new() { HasText = Path.GetFileName(file) }).GetByTestId("status"))
            .ToHaveTextAsync("준비됨", new() { Timeout = 60_000 });


        // The insider sees the document, marked as restricted, and gets answers from it.
        var inside = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(inside, insider.Email);
        await Ui.AskAsync(inside, $"2027년 성과급 지급률은 기본급의 몇 퍼센트인가요? {suffix}");
        await Assertions.Expect(inside.GetByTestId("answer").Last).ToContainTextAsync("350퍼센트", new() { Timeout = 30_000 });
        await inside.GetByRole(AriaRole.Link, new() { Name = "문서", Exact = true }).ClickAsync();
        var document = inside.GetByTestId("documents-table").Locator("tr").Filter(new() { HasText = Path.GetFileName(file) });
        await Assertions.Expect(document.GetByTestId("lock")).ToBeVisibleAsync();
        await inside.Context.CloseAsync();

        // The other member sees neither the document nor its content in answers.
        var outside = await ui.Browser.NewPageAsync(ui.Api.BaseUrl);
        await Ui.SignInAsync(outside, outsider.Email);
        await Ui.AskAsync(outside, $"2027년 성과급 지급률은 기본급의 몇 퍼센트인가요? {suffix}");
        var answer = outside.GetByTestId("answer").Last;
        await Assertions.Expect(answer).Not.ToHaveAttributeAsync("aria-busy", "true", new() { Timeout = 30_000 });
        await Assertions.Expect(answer).Not.ToContainTextAsync("350");
        await outside.GetByRole(AriaRole.Link, new() { Name = "문서", Exact = true }).ClickAsync();
        var rows = outside.GetByTestId("documents-table").Locator("tbody tr");
        await Assertions.Expect(rows.First).ToBeVisibleAsync();
        await Assertions.Expect(rows.Filter(new() { HasText = Path.GetFileName(file) })).ToHaveCountAsync(0);
        await outside.Context.CloseAsync();

        // A role changed on the access page ends the user's session; they sign in again with the new role.
        await admin.GetByRole(AriaRole.Link, new() { Name = "그룹·권한" }).ClickAsync();
        await admin.Locator("#role-search").FillAsync($"영업팀원 {suffix}");
        await admin.GetByLabel($"영업팀원 {suffix}의 역할").SelectOptionAsync("editor");
        await Assertions.Expect(admin.Locator("#toast")).ToContainTextAsync("역할을 변경했습니다");
        var ended = await outsider.Client.GetAsync("api/auth/me");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, ended.StatusCode);
        var again = await ui.Api.CreateUserAsync(outsider.Email);
        Assert.Equal("editor", (await again.Client.GetFromJsonAsync<JsonElement>("api/auth/me")).GetProperty("role").GetString());
        await admin.Context.CloseAsync();
    }
}
