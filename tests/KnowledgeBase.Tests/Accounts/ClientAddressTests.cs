using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;

namespace KnowledgeBase.Tests.Accounts;

/// <summary>The api on a real loopback socket, so each request's client address is whatever the client socket was bound
/// to (any 127.x.y.z is this machine). 127.0.0.1 is a trusted proxy (KNOWN_PROXIES).</summary>
public sealed class SocketApiFactory : ApiFactory
{
    public int Port { get; } = FreePort();

    public SocketApiFactory() => UseKestrel(Port);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["urls"] = $"http://127.0.0.1:{Port}",
        ["KNOWN_PROXIES"] = "127.0.0.1",
        ["AUTH_RATE_LIMIT_PER_MINUTE"] = "15",
        ["ORLEANS_DASHBOARD"] = "true",
    };

    /// <summary>A client whose connections leave from the given loopback address.</summary>
    public HttpClient From(string address)
    {
        StartServer();
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{Port}") };
    }
}

public sealed class ClientAddressTests(SocketApiFactory api) : IClassFixture<SocketApiFactory>
{
    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password)
        => client.PostAsJsonAsync("/api/auth/login", new { email, password });

    [Fact]
    public async Task Failures_from_one_address_never_lock_the_owner_out_from_another()
    {
        var user = await api.CreateUserAsync();
        var attacker = api.From("127.0.0.2");
        var owner = api.From("127.0.0.3");
        // The attacker keeps failing past several lockouts (each refused attempt arrives while locked).
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++) statuses.Add((await LoginAsync(attacker, user.Email, "guess-" + i)).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(attacker, user.Email, ApiFactory.Password)).StatusCode);

        var mine = await LoginAsync(owner, user.Email, ApiFactory.Password);
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
    }

    [Fact]
    public async Task Behind_a_known_proxy_the_auth_limit_counts_the_real_client_and_the_dashboard_cookie_is_secure()
    {
        var proxy = api.From("127.0.0.1");
        async Task<HttpStatusCode> ViaProxy(string client)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { email = "nobody@soosan.com", password = "whatever-long-1" }) };
            request.Headers.Add("X-Forwarded-For", client);
            request.Headers.Add("X-Forwarded-Proto", "https");
            return (await proxy.SendAsync(request)).StatusCode;
        }
        var first = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++) first.Add(await ViaProxy("203.0.113.7"));
        Assert.Contains(HttpStatusCode.TooManyRequests, first);
        // Another client behind the same proxy is not limited by the first one's flood.
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await ViaProxy("203.0.113.8"));

        // A client that is not a known proxy cannot claim another address.
        var direct = api.From("127.0.0.4");
        var spoofed = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { email = "nobody@soosan.com", password = "whatever-long-1" }) };
            request.Headers.Add("X-Forwarded-For", "198.51.100." + i);
            spoofed.Add((await direct.SendAsync(request)).StatusCode);
        }
        Assert.Contains(HttpStatusCode.TooManyRequests, spoofed);

        var admin = await api.CreateAdminAsync();
        var session = new HttpRequestMessage(HttpMethod.Post, "/api/admin/dashboard-session");
        session.Headers.Authorization = admin.Client.DefaultRequestHeaders.Authorization;
        session.Headers.Add("X-Forwarded-Proto", "https");
        var response = await api.From("127.0.0.1").SendAsync(session);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }
    [Fact]
    public async Task Behind_a_known_proxy_IPv6_clients_are_limited_per_64_and_audited_by_their_own_address()
    {
        var proxy = api.From("127.0.0.1");
        // Accounts made through the proxy for clients of their own, so this test takes nothing from the others' allowance.
        async Task<string> SignInThrough(string client, string email)
        {
            var through = api.From("127.0.0.1");
            through.DefaultRequestHeaders.Add("X-Forwarded-For", client);
            return await SignUp.SignInAsync(through, () => api.Log.Lines, email, ApiFactory.Password, "주소 시험");
        }
        var email = $"u{Guid.NewGuid().ToString("N")[..10]}@soosan.com";
        await SignInThrough("198.51.100.200", email);
        Task<HttpResponseMessage> LoginVia(string client, string password)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { email, password }) };
            request.Headers.Add("X-Forwarded-For", client);
            return proxy.SendAsync(request);
        }

        // Wrong passwords, each from another address of one /64: the lockout counts them as one client's.
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 8; i++) statuses.Add((await LoginVia($"2001:db8:1:2::{i:x}", "guess-" + i)).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginVia("2001:db8:1:2::ff", ApiFactory.Password)).StatusCode);

        // The per-address request limit counts the /64 too: its next addresses are refused before any password check.
        var types = new List<string?>();
        for (var i = 0x10; i < 0x20; i++)
        {
            var response = await LoginVia($"2001:db8:1:2::{i:x}", ApiFactory.Password);
            types.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        }
        Assert.Equal("rate_limited", types[^1]);

        // The owner, from another /64, signs in; the audit log records that address whole.
        Assert.Equal(HttpStatusCode.OK, (await LoginVia("2001:db8:1:3::7", ApiFactory.Password)).StatusCode);
        var admin = api.From("127.0.0.1");
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            await SignInThrough("198.51.100.201", ApiFactory.AdminEmail));
        var entries = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/audit?action=auth.sign_in&actor={Uri.EscapeDataString(email)}");
        Assert.Contains(entries.GetProperty("entries").EnumerateArray(), e => e.GetProperty("address").GetString() == "2001:db8:1:3::7");
    }
}
