using System.Net.Http.Json;
using System.Text.Json;
using System.Net;

namespace KnowledgeBase.Tests.Operations;

/// <summary>The Orleans dashboard is mounted at /dashboard for admins only.</summary>
[Collection(OperationsCollection.Name)]
public sealed class OrleansDashboardTests(OperationsFixture fixture)
{
    public static TheoryData<string> Paths => new() { "/dashboard", "/dashboard/", "/dashboard/index.html" };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Anonymous_callers_get_401_and_non_admins_403(string path)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Api.CreateClient().GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.User.Client.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Admin_opens_the_dashboard_with_a_token_or_the_dashboard_cookie()
    {
        var page = await fixture.Admin.Client.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        // A browser cannot send the bearer header when it navigates: the admin asks for a cookie scoped to /dashboard.
        var session = await fixture.Admin.Client.PostAsync("/api/admin/dashboard-session", null);
        Assert.Equal(HttpStatusCode.NoContent, session.StatusCode);
        var cookie = session.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/dashboard", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        using var browser = new HttpClient { BaseAddress = fixture.Api.AppAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(request)).StatusCode);

        // The cookie of a non-admin opens nothing, and the session endpoint itself is admin-only.
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.User.Client.PostAsync("/api/admin/dashboard-session", null)).StatusCode);
    }
}

/// <summary>Without ORLEANS_DASHBOARD (the embedded default) or with it false, the dashboard and its per-call grain
/// profiler are left out; the product works.</summary>
public sealed class OrleansDashboardOffTests
{
    private sealed class NoDashboardApiFactory(string? setting) : ApiFactory
    {
        protected override IDictionary<string, string?> Settings => setting is null
            ? new Dictionary<string, string?>()
            : new Dictionary<string, string?> { ["ORLEANS_DASHBOARD"] = setting };
    }

    [Theory]
    [InlineData(null)]
    [InlineData("false")]
    public async Task Without_the_dashboard_an_admin_gets_404_there_and_chat_still_answers(string? setting)
    {
        await using var api = new NoDashboardApiFactory(setting);
        var admin = await api.CreateAdminAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.GetAsync("/dashboard/")).StatusCode);
        var chat = await admin.Client.PostAsJsonAsync("/api/chat", new { question = "연차휴가는 며칠인가요?" });
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((await chat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("answer").GetString()));
    }
}
