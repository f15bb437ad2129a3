using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using KnowledgeBase.Api.Accounts;
using Microsoft.Extensions.Configuration;
using MimeKit;

namespace KnowledgeBase.Tests.Accounts;

/// <summary>A certificate authority made for one test run and a certificate it signed for 127.0.0.1, as PEM files.</summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(string dir) => Dir = dir;

    public string Dir { get; }
    public string CaFile => Path.Combine(Dir, "ca.pem");
    public string CertFile => Path.Combine(Dir, "server.pem");
    public string KeyFile => Path.Combine(Dir, "server.key");

    public static TestCertificates Create()
    {
        var dir = Path.Combine(Path.GetTempPath(), "kb-pki-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=지식베이스 시험용 CA (test CA)", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(2));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = request.Create(ca, now.AddHours(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(8));

        var pki = new TestCertificates(dir);
        File.WriteAllText(pki.CaFile, ca.ExportCertificatePem());
        File.WriteAllText(pki.CertFile, server.ExportCertificatePem());
        File.WriteAllText(pki.KeyFile, key.ExportPkcs8PrivateKeyPem());
        return pki;
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>One message the SMTP server accepted: the envelope as the server saw it, and the parsed message.</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, bool Secure, string? User, MimeMessage Message)
{
    /// <summary>The token of the account link (verify, reset, invite) in the message's text.</summary>
    public string Token(string publicUrl, string action)
    {
        var match = Regex.Match(Message.TextBody ?? "", Regex.Escape($"{publicUrl}account.html?action={action}&token=") + @"([A-Za-z0-9_\-.%]+)");
        Assert.True(match.Success, $"no {action} link starting with {publicUrl} in: {Message.TextBody}");
        return Uri.UnescapeDataString(match.Groups[1].Value);
    }
}

/// <summary>A real SMTP server (npm smtp-server) and the mail it received.</summary>
public sealed class SmtpServerHandle(NodeServer server) : IAsyncDisposable
{
    public int Port => server.Port;

    public static async Task<SmtpServerHandle> StartAsync(TestCertificates pki, bool implicitTls = false, string? user = null, string? password = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["SMTP_KEY_FILE"] = pki.KeyFile,
            ["SMTP_CERT_FILE"] = pki.CertFile,
            ["SMTP_SECURE"] = implicitTls ? "true" : "false",
        };
        if (user is not null)
        {
            environment["SMTP_USER"] = user;
            environment["SMTP_PASSWORD"] = password ?? "";
        }
        return new SmtpServerHandle(await NodeServer.StartSmtpAsync(environment));
    }

    /// <summary>Waits (bounded) for the newest message to <paramref name="to"/> after <paramref name="after"/> messages.</summary>
    public async Task<ReceivedMail> WaitForAsync(string to, int after = 0)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            foreach (var eml in Directory.GetFiles(server.Dir, "*.eml").Order(StringComparer.Ordinal).Skip(after).Reverse())
            {
                var envelope = JsonDocument.Parse(await File.ReadAllTextAsync(Path.ChangeExtension(eml, ".json"))).RootElement;
                var recipients = envelope.GetProperty("to").EnumerateArray().Select(r => r.GetString()!).ToList();
                if (!recipients.Contains(to, StringComparer.OrdinalIgnoreCase)) continue;
                return new ReceivedMail(envelope.GetProperty("from").GetString()!, recipients, envelope.GetProperty("secure").GetBoolean(),
                    envelope.GetProperty("user").GetString(), await MimeMessage.LoadAsync(eml));
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no mail to {to} reached the SMTP server");
            await Task.Delay(50);
        }
    }

    public int Count => Directory.GetFiles(server.Dir, "*.eml").Length;

    public ValueTask DisposeAsync() => server.DisposeAsync();
}

/// <summary>The api sending account mail over STARTTLS with a password to a real SMTP server whose certificate chains to
/// a company CA (SMTP_CA_FILE).</summary>
public sealed class MailFixture : IAsyncLifetime
{
    public const string PublicUrl = "https://kb.soosan.com/";
    public const string MailUser = "kb-mailer";
    public const string MailPassword = "mail-relay-password-0123";

    public TestCertificates Pki { get; } = TestCertificates.Create();
    public SmtpServerHandle Smtp { get; private set; } = null!;
    public MailApiFactory Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Smtp = await SmtpServerHandle.StartAsync(Pki, user: MailUser, password: MailPassword);
        Api = new MailApiFactory(new Dictionary<string, string?>
        {
            ["SMTP_HOST"] = "127.0.0.1",
            ["SMTP_PORT"] = Smtp.Port.ToString(),
            ["SMTP_SECURITY"] = "starttls",
            ["SMTP_USER"] = MailUser,
            ["SMTP_PASSWORD"] = MailPassword,
            ["SMTP_FROM"] = "지식베이스 <kb@soosan.com>",
            ["SMTP_CA_FILE"] = Pki.CaFile,
            ["PUBLIC_URL"] = PublicUrl,
        });
    }

    /// <summary>Signs up as a person does when mail works: register, open the mailed link, sign in.</summary>
    public async Task<TestUser> SignUpByMailAsync(string email, string displayName)
    {
        var anonymous = Api.CreateClient();
        var before = Smtp.Count;
        var register = await anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = ApiFactory.Password, displayName });
        if (register.StatusCode == HttpStatusCode.Accepted)
        {
            var token = (await Smtp.WaitForAsync(email, before)).Token(PublicUrl, "verify");
            (await anonymous.PostAsJsonAsync("/api/auth/verify", new { token })).EnsureSuccessStatusCode();
        }
        return await SignInAsync(email, ApiFactory.Password);
    }

    public async Task<TestUser> SignInAsync(string email, string password)
    {
        var login = await Api.CreateClient().PostAsJsonAsync("/api/auth/login", new { email, password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        var client = Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/auth/me");
        return new TestUser(me.GetProperty("userId").GetString()!, email, token, client);
    }

    public async Task DisposeAsync()
    {
        // Either may be missing when start-up failed.
        if (Api is not null) await Api.DisposeAsync();
        if (Smtp is not null) await Smtp.DisposeAsync();
        Pki.Dispose();
    }
}

public sealed class MailApiFactory(IDictionary<string, string?> settings) : ApiFactory
{
    protected override IDictionary<string, string?> Settings => settings;
}

public sealed class MailTests(MailFixture mail) : IClassFixture<MailFixture>
{
    private static string NewEmail() => $"m{Guid.NewGuid().ToString("N")[..10]}@soosan.com";

    [Fact]
    public async Task Sign_up_mails_a_verification_link_whose_token_lets_the_account_sign_in()
    {
        var email = NewEmail();
        var anonymous = mail.Api.CreateClient();
        var before = mail.Smtp.Count;
        var register = await anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = ApiFactory.Password, displayName = "메일 사용자" });
        Assert.Equal(HttpStatusCode.Accepted, register.StatusCode);

        var received = await mail.Smtp.WaitForAsync(email, before);
        // Sent over STARTTLS (the server's certificate chains to SMTP_CA_FILE) after signing in to the relay.
        Assert.True(received.Secure);
        Assert.Equal(MailFixture.MailUser, received.User);
        Assert.Equal("kb@soosan.com", received.From);
        Assert.Equal("지식베이스", received.Message.From.Mailboxes.Single().Name);
        Assert.Equal(email, received.Message.To.Mailboxes.Single().Address);
        Assert.Contains("이메일 주소를 확인해 주세요", received.Message.Subject);
        var token = received.Token(MailFixture.PublicUrl, "verify");

        var early = await anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = ApiFactory.Password });
        Assert.Equal(HttpStatusCode.Forbidden, early.StatusCode);
        Assert.Equal("email_not_verified", (await early.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/auth/verify", new { token })).StatusCode);
        var user = await mail.SignInAsync(email, ApiFactory.Password);
        Assert.Equal("member", (await user.Client.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("role").GetString());
        // The link works once.
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsJsonAsync("/api/auth/verify", new { token })).StatusCode);
    }

    [Fact]
    public async Task A_mailed_reset_link_sets_a_new_password()
    {
        var user = await mail.SignUpByMailAsync(NewEmail(), "비밀번호 재설정");
        var anonymous = mail.Api.CreateClient();
        var before = mail.Smtp.Count;
        Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/auth/password-reset", new { email = user.Email })).StatusCode);
        var received = await mail.Smtp.WaitForAsync(user.Email, before);
        Assert.Contains("비밀번호 재설정", received.Message.Subject);

        const string newPassword = "autumn-maple-river-7";
        var confirm = await anonymous.PostAsJsonAsync("/api/auth/password-reset/confirm", new { token = received.Token(MailFixture.PublicUrl, "reset"), password = newPassword });
        Assert.Equal(HttpStatusCode.NoContent, confirm.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = ApiFactory.Password })).StatusCode);
        await mail.SignInAsync(user.Email, newPassword);
        // The old session ended with the reset.
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Client.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task An_invitation_is_mailed_and_its_link_makes_the_account_with_the_invited_role()
    {
        var admin = await mail.SignUpByMailAsync(ApiFactory.AdminEmail, "관리자");
        var email = NewEmail();
        var before = mail.Smtp.Count;
        var invite = await admin.Client.PostAsJsonAsync("/api/admin/invites", new { email, role = "editor" });
        Assert.Equal(HttpStatusCode.Accepted, invite.StatusCode);
        var body = await invite.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("mailed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("link").ValueKind);

        var received = await mail.Smtp.WaitForAsync(email, before);
        Assert.Contains("초대", received.Message.Subject);
        var accept = await mail.Api.CreateClient().PostAsJsonAsync("/api/auth/invitation/accept",
            new { token = received.Token(MailFixture.PublicUrl, "invite"), password = ApiFactory.Password, displayName = "초대받은 편집자" });
        Assert.Equal(HttpStatusCode.Created, accept.StatusCode);
        var invited = await mail.SignInAsync(email, ApiFactory.Password);
        var me = await invited.Client.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal("editor", me.GetProperty("role").GetString());
        Assert.Equal("초대받은 편집자", me.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task A_mailbox_the_server_refuses_gets_503_mail_unavailable_not_500()
    {
        var response = await mail.Api.CreateClient().PostAsJsonAsync("/api/auth/register",
            new { email = $"reject-{Guid.NewGuid().ToString("N")[..8]}@soosan.com", password = ApiFactory.Password, displayName = "반송" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(MailUnavailableException.Code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
    }
}

/// <summary>The mailer alone against servers in each SMTP_SECURITY mode (the api's path above covers starttls).</summary>
public sealed class SmtpSecurityTests : IDisposable
{
    private readonly TestCertificates _pki = TestCertificates.Create();

    private static SmtpAccountMailer Mailer(int port, string security, string? caFile, string? user = null, string? password = null)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SMTP_HOST"] = "127.0.0.1",
            ["SMTP_PORT"] = port.ToString(),
            ["SMTP_SECURITY"] = security,
            ["SMTP_FROM"] = "kb@soosan.com",
            ["SMTP_CA_FILE"] = caFile,
            ["SMTP_USER"] = user,
            ["SMTP_PASSWORD"] = password,
        }).Build();
        return new SmtpAccountMailer(SmtpSettings.Load(config)!);
    }

    private static AccountMessage Message(string to) => new(to, "[지식베이스] 시험 (test)", "본문 https://kb.soosan.com/account.html", "https://kb.soosan.com/account.html");

    [Theory]
    [InlineData("none", false, false)]
    [InlineData("starttls", false, true)]
    [InlineData("tls", true, true)]
    public async Task Each_security_mode_delivers_encrypted_exactly_when_asked(string security, bool implicitTls, bool encrypted)
    {
        await using var smtp = await SmtpServerHandle.StartAsync(_pki, implicitTls);
        await Mailer(smtp.Port, security, _pki.CaFile).SendAsync(Message("kim@soosan.com"), CancellationToken.None);
        var received = await smtp.WaitForAsync("kim@soosan.com");
        Assert.Equal(encrypted, received.Secure);
        Assert.Equal("[지식베이스] 시험 (test)", received.Message.Subject);
    }

    [Fact]
    public async Task A_certificate_outside_the_trusted_cas_or_a_wrong_password_is_refused_as_mail_unavailable()
    {
        await using var smtp = await SmtpServerHandle.StartAsync(_pki, user: "kb-mailer", password: "right-password");
        var untrusted = await Assert.ThrowsAsync<MailUnavailableException>(() => Mailer(smtp.Port, "starttls", caFile: null, "kb-mailer", "right-password")
            .SendAsync(Message("lee@soosan.com"), CancellationToken.None));
        Assert.Contains("SslHandshake", untrusted.Message);
        await Assert.ThrowsAsync<MailUnavailableException>(() => Mailer(smtp.Port, "starttls", _pki.CaFile, "kb-mailer", "wrong-password")
            .SendAsync(Message("lee@soosan.com"), CancellationToken.None));
        Assert.Equal(0, smtp.Count);
    }

    public void Dispose() => _pki.Dispose();
}
