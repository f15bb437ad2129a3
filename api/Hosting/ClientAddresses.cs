using System.Net;
using System.Net.Sockets;

namespace KnowledgeBase.Api.Hosting;

/// <summary>The client's address, worked out one way for the audit log, the login throttle and the per-address rate
/// limit: the connection's address after forwarded headers (believed from KNOWN_PROXIES only, which
/// UseForwardedHeaders has already applied), an IPv4 address carried in IPv6 written as IPv4.</summary>
public static class ClientAddresses
{
    /// <summary>The address as recorded (audit): the whole address.</summary>
    public static string Of(HttpContext context) => Normalize(context.Connection.RemoteIpAddress)?.ToString() ?? "unknown";

    /// <summary>The address as limits count it: IPv6 clients by their /64, which one machine usually holds whole, so
    /// walking through its addresses earns no fresh allowance.</summary>
    public static string KeyOf(HttpContext context) => Key(context.Connection.RemoteIpAddress);

    public static string Key(IPAddress? remote)
    {
        if (Normalize(remote) is not { } address) return "unknown";
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static IPAddress? Normalize(IPAddress? address) => address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
}
