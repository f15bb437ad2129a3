using KnowledgeBase.Api.Accounts;
using KnowledgeBase.Api.Hosting;
using KnowledgeBase.Tests.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace KnowledgeBase.Tests.Accounts;

/// <summary>Without SMTP the embedded default writes account links to the console so a laptop install can finish
/// sign-up; in prod a link in the log would let whoever reads the logs reset any password, so it is never written.</summary>
public class AccountMailLogTests
{
    private const string Token = "tok_7f3a9c1e5b";

    [Theory]
    [InlineData("dev", true)]
    [InlineData("prod", false)]
    public async Task Account_links_reach_the_console_only_outside_prod(string appEnv, bool linkLogged)
    {
        var settings = ApiSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["APP_ENV"] = appEnv,
            ["SIGNUP_MODE"] = "invite",
        }).Build(), Directory.CreateTempSubdirectory("kb-mail-").FullName);
        using var logs = new CapturingLoggerProvider();
        using var factory = logs.CreateFactory();
        var mailer = new LogAccountMailer(factory.CreateLogger<LogAccountMailer>(), settings);

        await mailer.SendAsync(new AccountMessage("kim@soosan.com", "비밀번호 재설정", $"https://kb.soosan.com/account.html?action=reset&token={Token}",
            $"https://kb.soosan.com/account.html?action=reset&token={Token}"), CancellationToken.None);

        var log = string.Join('\n', logs.Lines);
        Assert.Contains("kim@soosan.com", log);
        Assert.Equal(linkLogged, log.Contains(Token, StringComparison.Ordinal));
    }
}
