using System.Net.Mail;

namespace KnowledgeBase.Api.Accounts;

/// <summary>What an e-mail address and a password must be before an account is touched.</summary>
public static class AccountRules
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 256;

    /// <summary>zxcvbn score (0-4) a password needs: 2 means more than ~10^6 guesses, which rules out the common
    /// passwords, keyboard walks and dictionary words with digits that the estimator knows.</summary>
    private const int MinScore = 2;

    /// <summary>The lower-case address, or null when it is not a plain ASCII address. Company mailboxes are ASCII, and
    /// refusing everything else refuses lookalikes: full-width letters, Cyrillic homoglyphs, zero-width and
    /// direction-control characters.</summary>
    public static string? NormalizeEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > 254) return null;
        var trimmed = email.Trim();
        if (trimmed.Any(c => c is < '!' or > '~')) return null;
        trimmed = trimmed.ToLowerInvariant();
        if (!MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed || trimmed.Count(c => c == '@') != 1) return null;
        return trimmed;
    }

    /// <summary>Null when the password is acceptable, otherwise why not (Korean, then English).</summary>
    public static string? PasswordProblem(string? password, string email, string? displayName)
    {
        if (password is null || password.Length < MinPasswordLength || string.IsNullOrWhiteSpace(password))
            return $"비밀번호는 {MinPasswordLength}자 이상이어야 합니다. (The password must be at least {MinPasswordLength} characters.)";
        if (password.Length > MaxPasswordLength) return "비밀번호가 너무 깁니다. (The password is too long.)";
        var inputs = new List<string> { email, email.Split('@')[0] };
        if (!string.IsNullOrWhiteSpace(displayName)) inputs.Add(displayName);
        if (Zxcvbn.Zxcvbn.MatchPassword(password, inputs).Score < MinScore)
            return "너무 흔하거나 추측하기 쉬운 비밀번호입니다. 여러 단어를 이어 더 길게 만들어 주세요. (The password is commonly used or easy to guess; use a longer phrase of several words.)";
        return null;
    }
}
