using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Grains.Hosting;

namespace KnowledgeBase.Api.Accounts;

public enum SmtpSecurity { StartTls, Tls, None }

/// <summary>SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_FROM, SMTP_SECURITY (starttls | tls | none), SMTP_CA_FILE
/// (a company CA the mail server's certificate may chain to, besides the system's). Without SMTP_HOST, account links are
/// written to the log instead (the embedded default).</summary>
public sealed record SmtpSettings(string Host, int Port, string? User, string? Password, MailboxAddress From, SmtpSecurity Security,
    X509Certificate2? CompanyCa = null)
{
    public static SmtpSettings? Load(IConfiguration config)
    {
        if (config["SMTP_HOST"] is not { Length: > 0 } host) return null;
        var security = (config["SMTP_SECURITY"] ?? "starttls").Trim().ToLowerInvariant() switch
        {
            "" or "starttls" => SmtpSecurity.StartTls,
            "tls" or "ssl" => SmtpSecurity.Tls,
            "none" => SmtpSecurity.None,
            var other => throw new ConfigurationException($"SMTP_SECURITY must be starttls, tls or none (got '{other}')."),
        };
        var port = Grains.Hosting.KnowledgeBaseSettings.Int(config, "SMTP_PORT", security == SmtpSecurity.Tls ? 465 : 587, 1, 65535);
        var from = config["SMTP_FROM"] is { Length: > 0 } f ? f : config["SMTP_USER"];
        if (string.IsNullOrWhiteSpace(from) || !MailboxAddress.TryParse(from, out var sender))
            throw new ConfigurationException($"SMTP_FROM must be the sender's address, e.g. \"지식베이스 <kb@soosan.com>\" (got '{from}').");
        X509Certificate2? ca = null;
        if (config["SMTP_CA_FILE"] is { Length: > 0 } caFile)
        {
            try
            {
                var bytes = File.ReadAllBytes(caFile);
                ca = bytes.AsSpan().IndexOf("-----BEGIN"u8) >= 0
                    ? X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(bytes))
                    : X509CertificateLoader.LoadCertificate(bytes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                throw new ConfigurationException($"SMTP_CA_FILE must name a readable CA certificate (PEM or DER) (got '{caFile}': {e.Message}).");
            }
        }
        return new SmtpSettings(host, port, config["SMTP_USER"], config["SMTP_PASSWORD"], sender, security, ca);
    }

    /// <summary>The system's trust, or else a chain to <see cref="CompanyCa"/>; the name must match either way.</summary>
    public bool Trusts(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (CompanyCa is null || errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(CompanyCa);
        // A company CA rarely publishes revocation lists the api could reach.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(presented);
    }

    public override string ToString() => $"{Host}:{Port} ({Security.ToString().ToLowerInvariant()})";
}

/// <summary>One account e-mail: a link the recipient opens (verify the address, reset the password, accept an invitation).</summary>
public sealed record AccountMessage(string To, string Subject, string Body, string Link);

public interface IAccountMailer
{
    /// <summary>How links reach people, for the start-up summary.</summary>
    string Describe();

    Task SendAsync(AccountMessage message, CancellationToken cancellationToken);
}

/// <summary>Sends over SMTP with MailKit, one connection per message (account mail is rare).</summary>
public sealed class SmtpAccountMailer(SmtpSettings settings) : IAccountMailer
{
    public string Describe() => "e-mail via SMTP " + settings;

    public async Task SendAsync(AccountMessage message, CancellationToken cancellationToken)
    {
        var mime = new MimeMessage();
        mime.From.Add(settings.From);
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.Body = new TextPart("plain") { Text = message.Body };

        using var client = new SmtpClient();
        client.ServerCertificateValidationCallback = (_, certificate, _, errors) => settings.Trusts(certificate, errors);
        var options = settings.Security switch
        {
            SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        };
        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, options, cancellationToken);
            if (!string.IsNullOrEmpty(settings.User)) await client.AuthenticateAsync(settings.User, settings.Password ?? "", cancellationToken);
            await client.SendAsync(mime, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException or SslHandshakeException or AuthenticationException
            or SmtpCommandException or SmtpProtocolException or ServiceNotConnectedException)
        {
            throw new MailUnavailableException($"SMTP {settings}: {e.GetType().Name}: {e.Message}", e);
        }
    }
}

/// <summary>The mail server could not take a message (down, refused the sign-in, untrusted certificate). The api answers
/// 503 <c>mail_unavailable</c>; the reason is logged, not shown.</summary>
public sealed class MailUnavailableException(string message, Exception inner) : Exception(message, inner)
{
    public const string Code = "mail_unavailable";
}

/// <summary>No SMTP server (the embedded default): each link is logged once, as a warning so it shows at any log level.
/// In prod (APP_ENV=prod) the link is never logged: it carries a token that signs someone in (a reset link would let
/// anyone who reads the logs take over any account), so the mail is only reported as not sent; an invitation's link
/// is still handed to the inviting admin in the response. Prod refuses open sign-up without SMTP or SSO
/// (see <see cref="AccountMailSetup"/>).</summary>
public sealed class LogAccountMailer(ILogger<LogAccountMailer> logger, ApiSettings settings) : IAccountMailer
{
    public string Describe() => settings.Strict
        ? "no SMTP_HOST: account mail is not sent (invitation links go to the inviting admin)"
        : "no SMTP_HOST: links are written to this console";

    public Task SendAsync(AccountMessage message, CancellationToken cancellationToken)
    {
        if (settings.Strict)
            logger.LogWarning("No SMTP server set (SMTP_HOST); mail to {To} not sent: {Subject}", message.To, message.Subject);
        else
            logger.LogWarning("No SMTP server set (SMTP_HOST); mail to {To} not sent. {Subject}: {Link}", message.To, message.Subject, message.Link);
        return Task.CompletedTask;
    }
}

public static class AccountMailSetup
{
    public static IServiceCollection AddAccountMail(this IServiceCollection services, IConfiguration config)
    {
        if (SmtpSettings.Load(config) is { } smtp)
            services.AddSingleton<IAccountMailer>(new SmtpAccountMailer(smtp));
        else
            services.AddSingleton<IAccountMailer, LogAccountMailer>();
        return services;
    }
}
