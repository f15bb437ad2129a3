using System.Security.Cryptography;
using System.Text;

namespace KnowledgeBase.Grains.Accounts;

/// <summary>Mailed and refresh tokens: "{base64url(e-mail)}.{256 random bits}", so the token names the account grain
/// that checks it. Accounts store only the SHA-256 of a token.</summary>
public static class Tokens
{
    public static string New(string email)
        => Base64Url(Encoding.UTF8.GetBytes(email)) + "." + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>The e-mail a token was issued for, or null when the token is malformed.</summary>
    public static string? EmailOf(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 600) return null;
        var dot = token.IndexOf('.');
        if (dot <= 0 || token.Length - dot - 1 != 43) return null;
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(Pad(token[..dot].Replace('-', '+').Replace('_', '/'))));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static bool HashesEqual(string a, string b)
        => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Pad(string s) => s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
}
