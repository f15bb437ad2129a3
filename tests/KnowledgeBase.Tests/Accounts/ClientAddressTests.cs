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
}
