using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgeBase.Tests.Api;

/// <summary>The embedded default (api with its silo in-process) keeps the Orleans ports to this machine.</summary>
[Collection(ApiCollection.Name)]
public sealed class EmbeddedNetworkTests(ApiFactory api)
{
    [Theory]
    [InlineData("SILO_PORT")]
    [InlineData("GATEWAY_PORT")]
    public async Task Embedded_orleans_ports_answer_on_loopback_but_not_on_the_machines_network_address(string setting)
    {
        _ = api.Services; // starts the api and its silo
        var port = int.Parse(api.Services.GetRequiredService<IConfiguration>()[setting]!);
        var external = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Assert.True(external is not null, "This test needs a non-loopback IPv4 address on the machine.");

        using (var local = new TcpClient())
            await local.ConnectAsync(IPAddress.Loopback, port);

        using var remote = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => remote.ConnectAsync(external!, port)
            .WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }
}
