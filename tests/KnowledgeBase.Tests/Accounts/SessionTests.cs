using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgeBase.Grains.Accounts;
using KnowledgeBase.LocalCluster;

namespace KnowledgeBase.Tests.Accounts;

/// <summary>An api of their own for the session tests: they delete users, which the shared api's usage tests would see.</summary>
public sealed class SessionApiFactory : ApiFactory;

/// <summary>Refresh tokens, the security stamp, and what admins and users can do to accounts.</summary>
public sealed class SessionTests(SessionApiFactory api) : IClassFixture<SessionApiFactory>
{
    private readonly HttpClient _anonymous = api.CreateClient();

    private async Task<JsonElement> LoginAsync(string email, string password = ApiFactory.Password)
    {
        var login = await _anonymous.PostAsJsonAsync("/api/auth/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return await login.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<HttpStatusCode> MeAsync(string accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return (await _anonymous.SendAsync(request)).StatusCode;
    }

    private static async Task<string?> TypeOf(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString();

    [Fact]
    public async Task Refresh_rotates_the_token_and_a_replayed_one_ends_that_session()
    {
        var user = await api.CreateUserAsync();
        var first = (await LoginAsync(user.Email)).GetProperty("refreshToken").GetString();
        var other = (await LoginAsync(user.Email)).GetProperty("refreshToken").GetString();

        var refreshed = await _anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = first });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var body = await refreshed.Content.ReadFromJsonAsync<JsonElement>();
        var second = body.GetProperty("refreshToken").GetString();
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(body.GetProperty("accessToken").GetString()!));

        // The rotated token presented again (a stolen copy): refused, and its successor dies with it.
        var replay = await _anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = first });
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal("invalid_refresh_token", await TypeOf(replay));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = second })).StatusCode);
        // Another device's session is untouched; signing out there ends it.
        Assert.Equal(HttpStatusCode.OK, (await _anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = other })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = "garbage" })).StatusCode);
    }

    [Fact]
    public async Task Past_twenty_sessions_the_least_recently_used_one_ends_and_the_others_keep_refreshing()
    {
        var user = await api.CreateUserAsync();
        var tokens = new List<string>();
        for (var i = 0; i < RefreshTokens.MaxSessions + 1; i++) tokens.Add((await LoginAsync(user.Email)).GetProperty("refreshToken").GetString()!);

        // The first sign-in was the least recently used of 21 sessions: it gave way to the newest.
        Assert.Equal(HttpStatusCode.Unauthorized, (await _anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = tokens[0] })).StatusCode);
        // A long-lived session rotates many times and goes on working (its old tokens are pruned, not kept forever).
        var current = tokens[1];
        for (var i = 0; i < 12; i++)
        {
            var refreshed = await _anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = current });
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
            current = (await refreshed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString()!;
        }
        Assert.Equal(HttpStatusCode.OK, (await _anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = tokens[^1] })).StatusCode);
    }

    [Fact]
    public async Task Password_reset_by_mail_ends_every_existing_session()
    {
        var user = await api.CreateUserAsync();
        var refresh = (await LoginAsync(user.Email)).GetProperty("refreshToken").GetString();

        var unknown = $"nobody{Guid.NewGuid():N}"[..16] + "@soosan.com";
        var forUnknown = await _anonymous.PostAsJsonAsync("/api/auth/password-reset", new { email = unknown });
        var forUser = await _anonymous.PostAsJsonAsync("/api/auth/password-reset", new { email = user.Email });
        Assert.Equal(HttpStatusCode.Accepted, forUnknown.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, forUser.StatusCode);
        Assert.Null(SignUp.FindToken(api.Log.Lines, unknown, "reset"));
        var token = await SignUp.WaitForTokenAsync(() => api.Log.Lines, user.Email, "reset");

        var weak = await _anonymous.PostAsJsonAsync("/api/auth/password-reset/confirm", new { token, password = "password123" });
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Equal("weak_password", await TypeOf(weak));
        const string newPassword = "새 비밀번호는 길고 외우기 쉬운 문장";
        Assert.Equal(HttpStatusCode.NoContent, (await _anonymous.PostAsJsonAsync("/api/auth/password-reset/confirm", new { token, password = newPassword })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _anonymous.PostAsJsonAsync("/api/auth/password-reset/confirm", new { token, password = newPassword + "!" })).StatusCode);

        var old = await user.Client.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.Equal("session_ended", await TypeOf(old));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = refresh })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _anonymous.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = ApiFactory.Password })).StatusCode);
        await LoginAsync(user.Email, newPassword);
    }

    [Fact]
    public async Task A_disabled_user_is_signed_out_on_the_next_request_and_cannot_sign_in()
    {
        var admin = await api.CreateAdminAsync();
        var user = await api.CreateUserAsync();
        var refresh = (await LoginAsync(user.Email)).GetProperty("refreshToken").GetString();

        var disable = await admin.Client.PutAsJsonAsync($"/api/admin/users/{user.UserId}/status", new { disabled = true });
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.True((await disable.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("disabled").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Client.GetAsync("/api/conversations")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = refresh })).StatusCode);
        var login = await _anonymous.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = ApiFactory.Password });
        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
        Assert.Equal("account_disabled", await TypeOf(login));

        Assert.Equal(HttpStatusCode.OK, (await admin.Client.PutAsJsonAsync($"/api/admin/users/{user.UserId}/status", new { disabled = false })).StatusCode);
        await LoginAsync(user.Email);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Client.PutAsJsonAsync($"/api/admin/users/{admin.UserId}/status", new { disabled = true })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.PutAsJsonAsync("/api/admin/users/usr_missing/status", new { disabled = true })).StatusCode);
        var member = await api.CreateUserAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await member.Client.PutAsJsonAsync($"/api/admin/users/{admin.UserId}/status", new { disabled = true })).StatusCode);
    }

    [Fact]
    public async Task Deleting_a_user_removes_their_conversations_feedback_and_budget_but_keeps_company_totals()
    {
        var admin = await api.CreateAdminAsync();
        var user = await api.CreateUserAsync();
        var answer = await (await user.Client.PostAsJsonAsync("/api/chat", new { question = "연차 유급휴가는 며칠인가요?" })).Content.ReadFromJsonAsync<JsonElement>();
        var messageId = answer.GetProperty("messageId").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.PostAsJsonAsync($"/api/messages/{messageId}/feedback", new { rating = "down", comment = "개인 의견" })).StatusCode);
        var used = (await user.Client.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("budget").GetProperty("usedThisMonth").GetInt64();
        var before = await WaitForCompanyTokensAsync(admin.Client, atLeast: used);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.DeleteAsync($"/api/admin/users/{user.UserId}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Client.GetAsync("/api/conversations")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _anonymous.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = ApiFactory.Password })).StatusCode);
        var feedback = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/feedback");
        Assert.DoesNotContain(feedback.EnumerateArray(), r => r.GetProperty("userId").GetString() == user.UserId);
        var usage = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/usage");
        Assert.DoesNotContain(usage.GetProperty("users").EnumerateArray(), r => r.GetProperty("userId").GetString() == user.UserId);
        Assert.True(usage.GetProperty("company").GetProperty("tokensThisMonth").GetInt64() >= before, "company totals keep the deleted user's spend");

        // The address is free again: a new sign-up starts empty.
        var again = await api.CreateUserAsync(user.Email);
        Assert.NotEqual(user.UserId, again.UserId);
        Assert.Empty((await again.Client.GetFromJsonAsync<JsonElement>("/api/conversations")).EnumerateArray());
        Assert.Equal(0, (await again.Client.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("budget").GetProperty("usedThisMonth").GetInt64());
    }

    [Fact]
    public async Task A_user_can_delete_their_own_account()
    {
        var user = await api.CreateUserAsync();
        await user.Client.PostAsJsonAsync("/api/chat", new { question = "퇴직금은 어떻게 계산하나요?" });
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.DeleteAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Client.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _anonymous.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = ApiFactory.Password })).StatusCode);
    }

    private static async Task<long> WaitForCompanyTokensAsync(HttpClient admin, long atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var total = (await admin.GetFromJsonAsync<JsonElement>("/api/admin/usage")).GetProperty("company").GetProperty("tokensThisMonth").GetInt64();
            if (total >= atLeast || DateTime.UtcNow > deadline) return total;
            await Task.Delay(50);
        }
    }
}

/// <summary>An api with SIGNUP_MODE=invite.</summary>
public sealed class InviteOnlyApiFactory : ApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["SIGNUP_MODE"] = "invite" };
}

public sealed class InviteTests(InviteOnlyApiFactory api) : IClassFixture<InviteOnlyApiFactory>
{
    [Fact]
    public async Task In_invite_mode_only_an_invited_address_can_join_with_the_invited_role()
    {
        var anonymous = api.CreateClient();
        var email = $"new{Guid.NewGuid():N}"[..14] + "@soosan.com";
        var open = await anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = ApiFactory.Password, displayName = "신입" });
        Assert.Equal(HttpStatusCode.Forbidden, open.StatusCode);
        Assert.Equal("signup_invite_only", (await open.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        // The operator's ADMIN_EMAILS may still sign up (verified by mail), so there is someone to invite the others.
        var admin = (await api.CreateAdminAsync()).Client;
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/admin/invites", new { email, role = "owner" })).StatusCode);
        var invite = await admin.PostAsJsonAsync("/api/admin/invites", new { email, role = "admin" });
        Assert.Equal(HttpStatusCode.Accepted, invite.StatusCode);
        var link = (await invite.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("link").GetString()!;
        var token = Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);

        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsJsonAsync("/api/auth/invitation/accept", new { token, password = "qwertyuiop", displayName = "신입" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await anonymous.PostAsJsonAsync("/api/auth/invitation/accept", new { token, password = ApiFactory.Password, displayName = "신입" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsJsonAsync("/api/auth/invitation/accept", new { token, password = ApiFactory.Password, displayName = "신입" })).StatusCode);
        var login = await anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = ApiFactory.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var user = api.CreateClient();
        user.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        Assert.Equal("admin", (await user.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/admin/invites", new { email })).StatusCode);
    }
}
