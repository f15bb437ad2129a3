using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace KnowledgeBase.LocalCluster;

/// <summary>Signs up the way a person does on a server without SMTP: register, open the verification link the api
/// wrote to its log, sign in.</summary>
public static partial class SignUp
{
    /// <summary>The newest token of a mailed link (verify, reset, invite) for an address, found in log or mail text.</summary>
    public static string? FindToken(IEnumerable<string> text, string email, string action)
    {
        var prefix = Convert.ToBase64String(Encoding.UTF8.GetBytes(email)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + ".";
        string? found = null;
        foreach (var line in text)
        foreach (Match m in LinkToken().Matches(line))
            if (m.Groups[1].Value == action && m.Groups[2].Value.StartsWith(prefix, StringComparison.Ordinal)) found = m.Groups[2].Value;
        return found;
    }

    /// <summary>Waits (bounded) for the api to write the link, since the log reader runs on its own thread.</summary>
    public static async Task<string> WaitForTokenAsync(Func<IEnumerable<string>> text, string email, string action, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            if (FindToken(text(), email, action) is { } token) return token;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no {action} link for {email} was written");
            await Task.Delay(20);
        }
    }

    /// <summary>Registers (or finds already registered) and verifies an account, then signs in; returns the access token.
    /// With <paramref name="retriesOn503"/>, a 503 is retried after its Retry-After, as a client would (sign-up hashes a
    /// password on purpose slowly, so a starved cluster may time a call out).</summary>
    public static async Task<string> SignInAsync(HttpClient client, Func<IEnumerable<string>> log, string email, string password, string displayName,
        int retriesOn503 = 0)
    {
        async Task<HttpResponseMessage> Post(string path, object body)
        {
            for (var attempt = 0; ; attempt++)
            {
                var response = await client.PostAsJsonAsync(path, body);
                if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt >= retriesOn503) return response;
                await Task.Delay(TimeSpan.FromSeconds(response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 1));
            }
        }

        var register = await Post("api/auth/register", new { email, password, displayName });
        if (register.StatusCode == System.Net.HttpStatusCode.Accepted)
        {
            var token = await WaitForTokenAsync(log, email, "verify");
            (await Post("api/auth/verify", new { token })).EnsureSuccessStatusCode();
        }
        else if (register.StatusCode != System.Net.HttpStatusCode.Conflict)
        {
            throw new InvalidOperationException($"register {email}: {(int)register.StatusCode} {await register.Content.ReadAsStringAsync()}");
        }
        var login = await Post("api/auth/login", new { email, password });
        if (!login.IsSuccessStatusCode) throw new InvalidOperationException($"login {email}: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync()}");
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    [GeneratedRegex(@"account\.html\?action=(\w+)&token=([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]{43})")]
    private static partial Regex LinkToken();
}
