using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using KnowledgeBase.LocalCluster;

namespace KnowledgeBase.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class AuthTests(ApiFactory api)
{
    private readonly HttpClient _anonymous = api.CreateClient();

    private string? LinkToken(string email, string action) => SignUp.FindToken(api.Log.Lines, email, action);

    [Fact]
    public async Task Sign_up_sends_a_link_and_only_the_verified_account_can_sign_in()
    {
        var email = $"Hong.{Guid.NewGuid():N}@SOOSAN.co.kr";
        var register = await _anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = ApiFactory.Password, displayName = "홍길동" });
        Assert.Equal(HttpStatusCode.Accepted, register.StatusCode);
        var lower = email.ToLowerInvariant();
        Assert.Equal(lower, (await register.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("email").GetString());

        var early = await _anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = ApiFactory.Password });
        Assert.Equal(HttpStatusCode.Forbidden, early.StatusCode);
        Assert.Equal("email_not_verified", (await early.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        var token = LinkToken(lower, "verify");
        Assert.NotNull(token);
        var verify = await _anonymous.PostAsJsonAsync("/api/auth/verify", new { token });
        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        Assert.StartsWith("usr_", (await verify.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("userId").GetString());
        var reused = await _anonymous.PostAsJsonAsync("/api/auth/verify", new { token });
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        Assert.Equal("invalid_token", (await reused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        var login = await _anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = ApiFactory.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var body = await login.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.Equal(900, body.GetProperty("expiresIn").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refreshToken").GetString()));

        var me = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("accessToken").GetString());
        var profile = await (await _anonymous.SendAsync(me)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("홍길동", profile.GetProperty("displayName").GetString());
        Assert.Equal("member", profile.GetProperty("role").GetString());
        Assert.Equal(200_000, profile.GetProperty("budget").GetProperty("dailyTokens").GetInt64());
    }

    [Fact]
    public async Task A_stranger_registering_an_admin_address_first_neither_gets_it_nor_blocks_the_owner()
    {
        var admin = $"boss{Guid.NewGuid():N}"[..14] + "@soosan.com";
        await using var factory = new AdminListFactory(admin);
        var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/auth/register",
            new { email = admin, password = "stranger-chosen-passphrase", displayName = "가짜" })).StatusCode);
        var strangersLink = SignUp.FindToken(factory.Log.Lines, admin, "verify");
        // The real owner registers too (no 409), and opens the link in their own mail.
        Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/auth/register",
            new { email = admin, password = ApiFactory.Password, displayName = "대표" })).StatusCode);
        var ownersLink = SignUp.FindToken(factory.Log.Lines, admin, "verify");
        Assert.NotEqual(strangersLink, ownersLink);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/auth/verify", new { token = ownersLink })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/login", new { email = admin, password = "stranger-chosen-passphrase" })).StatusCode);
        var login = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = admin, password = ApiFactory.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        Assert.Equal("admin", (await client.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("role").GetString());
        // The stranger's link no longer does anything.
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsJsonAsync("/api/auth/verify", new { token = strangersLink })).StatusCode);
    }

    [Theory]
    [InlineData("someone@gmail.com")]
    [InlineData("someone@soosan.com.evil.io")]
    [InlineData("someone@notsoosan.com")]
    public async Task Register_rejects_outside_domain_with_403(string email)
    {
        var response = await _anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = ApiFactory.Password, displayName = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("email_domain_not_allowed", problem.GetProperty("type").GetString());
        Assert.Contains("회사 이메일", problem.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("\uFF43\uFF45\uFF4F@soosan.com")]          // full-width ｃｅｏ
    [InlineData("\u0441eo@soosan.com")]                     // Cyrillic с
    [InlineData("ce\u200Bo@soosan.com")]                     // zero-width space
    [InlineData("ceo\u202E@soosan.com")]                     // right-to-left override
    public async Task Lookalike_addresses_are_refused(string escaped)
    {
        var email = System.Text.RegularExpressions.Regex.Unescape(escaped);
        var response = await _anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = ApiFactory.Password, displayName = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(LinkToken(email.ToLowerInvariant(), "verify"));
    }

    [Theory]
    [InlineData("12345678")]
    [InlineData("        ")]
    [InlineData("          ")]
    [InlineData("1234567890")]
    [InlineData("password123")]
    [InlineData("qwertyuiop")]
    [InlineData("iloveyou12")]
    public async Task Short_or_common_passwords_get_400_weak_password(string password)
    {
        var email = $"weak{Guid.NewGuid():N}"[..14] + "@soosan.com";
        var response = await _anonymous.PostAsJsonAsync("/api/auth/register", new { email, password, displayName = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("weak_password", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_verified_address_cannot_be_registered_again()
    {
        var user = await api.CreateUserAsync();
        var again = await _anonymous.PostAsJsonAsync("/api/auth/register", new { email = user.Email.ToUpperInvariant(), password = "another-long-passphrase", displayName = "y" });
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
    public async Task Repeated_failed_logins_from_one_address_are_throttled_there_even_with_the_right_password()
    {
        var user = await api.CreateUserAsync();
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await _anonymous.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = "guess-" + i })).StatusCode);
        var locked = await _anonymous.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = ApiFactory.Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.True(int.Parse(locked.Headers.GetValues("Retry-After").Single()) > 0);
    }

    [Fact]
    public async Task Admin_emails_become_admins_once_verified()
    {
        var admin = await api.CreateAdminAsync();
        var me = await admin.Client.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal("admin", me.GetProperty("role").GetString());
    }

    private byte[] ServerKey() => Convert.FromBase64String(File.ReadAllText(Path.Combine(api.Root, "data", KnowledgeBase.Api.Hosting.ApiSettings.KeyFileName)));

    private static string Token(byte[] key, DateTime expires, Dictionary<string, object> claims) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "knowledge-base",
        Audience = "knowledge-base-api",
        Claims = claims,
        NotBefore = expires.AddHours(-2),
        IssuedAt = expires.AddHours(-2),
        Expires = expires,
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
    });

    [Fact]
    public async Task Expired_or_forged_tokens_get_401_problem_details()
    {
        var user = await api.CreateUserAsync();
        var claims = new Dictionary<string, object> { ["sub"] = user.UserId, ["email"] = user.Email, ["role"] = "admin" };
        var expired = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        expired.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(ServerKey(), DateTime.UtcNow.AddMinutes(-5), claims));
        var response = await _anonymous.SendAsync(expired);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("token_expired", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        // The constant key the source used to ship, and any other key an attacker picks.
        foreach (var secret in new[] { "dev-only-insecure-jwt-secret-change-me-0123456789", "an-attacker-chosen-secret-of-enough-length!!" })
        {
            var forged = new HttpRequestMessage(HttpMethod.Get, "/api/admin/usage");
            forged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(System.Text.Encoding.UTF8.GetBytes(secret), DateTime.UtcNow.AddHours(1), claims));
            Assert.Equal(HttpStatusCode.Unauthorized, (await _anonymous.SendAsync(forged)).StatusCode);
        }
    }

    [Fact]
    public async Task The_role_comes_from_the_account_not_from_the_token()
    {
        var user = await api.CreateUserAsync();
        // Even signed with the server's own key and carrying the user's current stamp, a claimed admin role is ignored.
        var stamp = new JsonWebToken(user.Token).GetClaim("stamp").Value;
        var claims = new Dictionary<string, object> { ["sub"] = user.UserId, ["email"] = user.Email, ["role"] = "admin", ["stamp"] = stamp };
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/usage");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(ServerKey(), DateTime.UtcNow.AddMinutes(10), claims));
        Assert.Equal(HttpStatusCode.Forbidden, (await _anonymous.SendAsync(request)).StatusCode);
        // Without the stamp (an old or hand-made token) it is not a session at all.
        claims.Remove("stamp");
        var stampless = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        stampless.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(ServerKey(), DateTime.UtcNow.AddMinutes(10), claims));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _anonymous.SendAsync(stampless)).StatusCode);
    }

    [Fact]
    public async Task Malformed_json_gets_400_problem_details_not_500()
    {
        var response = await _anonymous.PostAsync("/api/auth/register", new StringContent("{\"email\": ", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

/// <summary>An api whose ADMIN_EMAILS names one given address.</summary>
public sealed class AdminListFactory(string adminEmail) : ApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["ADMIN_EMAILS"] = adminEmail };
}
