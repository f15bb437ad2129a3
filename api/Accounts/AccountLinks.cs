using KnowledgeBase.Api.Hosting;

namespace KnowledgeBase.Api.Accounts;

/// <summary>The links account mail carries (they open account.html, which calls the api) and the mails themselves,
/// in Korean with English below.</summary>
public sealed class AccountLinks(ApiSettings settings, IAccountMailer mailer)
{
    public static readonly TimeSpan VerificationLifetime = TimeSpan.FromHours(48);
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);
    public static readonly TimeSpan ResetLifetime = TimeSpan.FromHours(1);

    public Task SendVerificationAsync(HttpContext context, string email, string token)
        => SendAsync(context, email, "verify", token,
            "[지식베이스] 이메일 주소를 확인해 주세요 (Confirm your e-mail address)",
            "아래 링크를 열어 가입을 마쳐 주세요. 링크는 48시간 동안 한 번 쓸 수 있습니다.",
            "Open the link below to finish signing up. It works once, for 48 hours.");

    public Task SendInvitationAsync(HttpContext context, string email, string token)
        => SendAsync(context, email, "invite", token,
            "[지식베이스] 초대장이 도착했습니다 (You are invited)",
            "아래 링크를 열어 이름과 비밀번호를 정하면 가입이 끝납니다. 링크는 7일 동안 한 번 쓸 수 있습니다.",
            "Open the link below and choose your name and password. It works once, for 7 days.");

    public Task SendResetAsync(HttpContext context, string email, string token)
        => SendAsync(context, email, "reset", token,
            "[지식베이스] 비밀번호 재설정 (Reset your password)",
            "아래 링크를 열어 새 비밀번호를 정해 주세요. 링크는 1시간 동안 한 번 쓸 수 있습니다. 요청하지 않았다면 이 메일을 무시하세요.",
            "Open the link below to choose a new password. It works once, for 1 hour. If you did not ask for this, ignore this mail.");

    /// <summary>The page a mailed token opens. PUBLIC_URL when set (required in prod with mail, so a forged Host header
    /// cannot redirect links elsewhere), otherwise the address this request came in on.</summary>
    public string Link(HttpContext context, string action, string token)
    {
        var root = settings.PublicUrl?.ToString() ?? $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/";
        return $"{root}account.html?action={action}&token={Uri.EscapeDataString(token)}";
    }

    private Task SendAsync(HttpContext context, string email, string action, string token, string subject, string korean, string english)
    {
        var link = Link(context, action, token);
        var body = $"{korean}\n\n{link}\n\n{english}\n";
        return mailer.SendAsync(new AccountMessage(email, subject, body, link), context.RequestAborted);
    }
}
