using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace KnowledgeBase.Tests.Accounts;

/// <summary>The admin console's user list (from the user directory) and the role, which the account holds.</summary>
public sealed class UserDirectoryTests(SessionApiFactory api) : IClassFixture<SessionApiFactory>
{
    private static async Task<JsonElement> UsersAsync(TestUser admin, string query)
    {
        var response = await admin.Client.GetAsync("/api/admin/users?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static List<string> Names(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("displayName").GetString()!).ToList();

    [Fact]
    public async Task Admin_user_list_filters_by_name_or_email_prefix_and_pages()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var admin = await api.CreateAdminAsync();
        var users = new List<TestUser>();
        foreach (var name in new[] { "나", "가", "다" }) users.Add(await api.CreateUserAsync(displayName: $"검색{suffix} {name}"));

        var first = await UsersAsync(admin, $"q={Uri.EscapeDataString("검색" + suffix)}&take=2");
        Assert.Equal(3, first.GetProperty("total").GetInt32());
        Assert.Equal([$"검색{suffix} 가", $"검색{suffix} 나"], Names(first));
        Assert.Equal([$"검색{suffix} 다"], Names(await UsersAsync(admin, $"q={Uri.EscapeDataString("검색" + suffix)}&skip=2&take=2")));

        // An e-mail prefix, any case; and the users a picker already holds, by id.
        var byEmail = await UsersAsync(admin, $"q={Uri.EscapeDataString(users[0].Email[..8].ToUpperInvariant())}");
        Assert.Equal(users[0].UserId, byEmail.GetProperty("items").EnumerateArray().Single().GetProperty("userId").GetString());
        var byId = await UsersAsync(admin, $"ids={users[1].UserId},{users[2].UserId}");
        Assert.Equal(2, byId.GetProperty("total").GetInt32());

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Client.GetAsync("/api/admin/users?take=500")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await users[0].Client.GetAsync("/api/admin/users")).StatusCode);
    }

    [Fact]
    public async Task A_changed_role_is_the_accounts_and_every_admin_table_shows_it_at_once()
    {
        var admin = await api.CreateAdminAsync();
        var user = await api.CreateUserAsync();
        var changed = await admin.Client.PutAsJsonAsync($"/api/admin/users/{user.UserId}/role", new { role = "editor" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        var usage = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/usage");
        Assert.Equal("editor", usage.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("userId").GetString() == user.UserId).GetProperty("role").GetString());
        var listed = await UsersAsync(admin, $"ids={user.UserId}");
        Assert.Equal("editor", listed.GetProperty("items")[0].GetProperty("role").GetString());

        // The old token's session ended; signed in again, the user is an editor wherever the role is read.
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Client.GetAsync("/api/auth/me")).StatusCode);
        var again = await api.CreateUserAsync(user.Email);
        Assert.Equal("editor", (await again.Client.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("role").GetString());
        var budget = await admin.Client.PutAsJsonAsync($"/api/admin/users/{user.UserId}/budget", new { dailyTokens = 1000, monthlyTokens = 2000 });
        Assert.Equal("editor", (await budget.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString());

        // Back to member: the same everywhere.
        Assert.Equal(HttpStatusCode.OK, (await admin.Client.PutAsJsonAsync($"/api/admin/users/{user.UserId}/role", new { role = "member" })).StatusCode);
        Assert.Equal("member", (await UsersAsync(admin, $"ids={user.UserId}")).GetProperty("items")[0].GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.PutAsJsonAsync("/api/admin/users/usr_0000000000000000/role", new { role = "member" })).StatusCode);
    }
}
