using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace KnowledgeBase.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class AuthTests(ApiFactory api)
{
    private readonly HttpClient _anonymous = api.CreateClient();

    [Fact]
    public async Task Register_creates_an_account_and_login_returns_a_bearer_token()
    {
        var email = $"Hong.{Guid.NewGuid():N}@SOOSAN.co.kr";
        var register = await _anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = "password-123", displayName = "홍길동" });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var body = await register.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("usr_", body.GetProperty("userId").GetString());
        Assert.Equal(email.ToLowerInvariant(), body.GetProperty("email").GetString());
        Assert.Equal("user", body.GetProperty("role").GetString());

        var login = await _anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = "password-123" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var token = await login.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bearer", token.GetProperty("tokenType").GetString());
        Assert.Equal(3600, token.GetProperty("expiresIn").GetInt32());

        var me = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        var profile = await (await _anonymous.SendAsync(me)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("홍길동", profile.GetProperty("displayName").GetString());
        Assert.Equal(200_000, profile.GetProperty("budget").GetProperty("dailyTokens").GetInt64());
        Assert.Equal(2_000_000, profile.GetProperty("budget").GetProperty("monthlyTokens").GetInt64());
        Assert.Equal(0, profile.GetProperty("budget").GetProperty("usedToday").GetInt64());
    }

    [Theory]
    [InlineData("someone@gmail.com")]
    [InlineData("someone@soosan.com.evil.io")]
    [InlineData("someone@notsoosan.com")]
    public async Task Register_rejects_outside_domain_with_403(string email)
    {
        var response = await _anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = "password-123", displayName = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("email_domain_not_allowed", problem.GetProperty("type").GetString());
        Assert.Equal("email_domain_not_allowed", problem.GetProperty("code").GetString());
        Assert.Contains("soosan.com", problem.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public async Task Register_rejects_short_password_and_duplicate_email()
    {
        var email = $"dup{Guid.NewGuid():N}@soosan.com";
        var weak = await _anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = "short", displayName = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        var tooShort = await weak.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("invalid_request", "password_short", 8), (tooShort.GetProperty("type").GetString(), tooShort.GetProperty("code").GetString(), tooShort.GetProperty("min").GetInt32()));

        Assert.Equal(HttpStatusCode.Created, (await _anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = "long-enough", displayName = "x" })).StatusCode);
        var again = await _anonymous.PostAsJsonAsync("/api/auth/register", new { email = email.ToUpperInvariant(), password = "long-enough", displayName = "y" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_email_get_the_same_401()
    {
        var user = await api.CreateUserAsync();
        var wrongPassword = await _anonymous.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = "not-the-password" });
        var unknownEmail = await _anonymous.PostAsJsonAsync("/api/auth/login", new { email = "nobody-" + user.Email, password = ApiFactory.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownEmail.StatusCode);
        var a = await wrongPassword.Content.ReadFromJsonAsync<JsonElement>();
        var b = await unknownEmail.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(a.GetProperty("title").GetString(), b.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Repeated_failed_logins_are_throttled_even_with_the_right_password()
    {
        var user = await api.CreateUserAsync();
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await _anonymous.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = "guess-" + i })).StatusCode);
        var locked = await _anonymous.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = ApiFactory.Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.True(int.Parse(locked.Headers.GetValues("Retry-After").Single()) > 0);
    }

    [Fact]
    public async Task Admin_emails_become_admins_at_registration()
    {
        var admin = await api.CreateAdminAsync();
        var me = await admin.Client.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal("admin", me.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Expired_or_forged_tokens_get_401_problem_details()
    {
        var user = await api.CreateUserAsync();
        var handler = new JsonWebTokenHandler();
        string Token(string secret, DateTime expires) => handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "knowledge-base",
            Audience = "knowledge-base-api",
            Claims = new Dictionary<string, object> { ["sub"] = user.UserId, ["role"] = "admin" },
            NotBefore = expires.AddHours(-2),
            IssuedAt = expires.AddHours(-2),
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
        });

        var expired = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        expired.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(KnowledgeBase.Api.Hosting.ApiSettings.DevJwtSecret, DateTime.UtcNow.AddMinutes(-5)));
        var response = await _anonymous.SendAsync(expired);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("token_expired", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        var forged = new HttpRequestMessage(HttpMethod.Get, "/api/admin/usage");
        forged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token("an-attacker-chosen-secret-of-enough-length!!", DateTime.UtcNow.AddHours(1)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _anonymous.SendAsync(forged)).StatusCode);
    }

    [Fact]
    public async Task Malformed_json_gets_400_problem_details_not_500()
    {
        var response = await _anonymous.PostAsync("/api/auth/register", new StringContent("{\"email\": ", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
