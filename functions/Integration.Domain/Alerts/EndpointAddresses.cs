using System.Net;
using System.Net.Sockets;

namespace Integration.Domain.Alerts;

/// <summary>
/// Which addresses the hub may call for a partner (alert webhooks): public ones only. Never loopback, link-local (the
/// cloud metadata address 169.254.169.254 among them), private (10/8, 172.16/12, 192.168/16, fc00::/7), shared
/// (100.64/10), unspecified, multicast or broadcast addresses; an IPv4 address written as IPv6 (::ffff:10.0.0.1) is
/// judged as the IPv4 address it is. Loopback only where <paramref name="allowLoopback"/> (Development: local receivers).
/// </summary>
public static class EndpointAddresses
{
    /// <summary>Why the hub must not call this address, or null when it may.</summary>
    public static string? Refusal(IPAddress address, bool allowLoopback)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return allowLoopback ? null : "a loopback address";
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return (b[0], b[1]) switch
            {
                (0, _) => "an unspecified address",
                (10, _) => "a private address",
                (172, >= 16 and <= 31) => "a private address",
                (192, 168) => "a private address",
                (169, 254) => "a link-local address (the cloud metadata service among them)",
                (100, >= 64 and <= 127) => "a shared (carrier-grade NAT) address",
                (>= 224, _) => "a multicast or reserved address",
                _ => null,
            };
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None)) return "an unspecified address";
            if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal) return "a link-local address";
            if (address.IsIPv6Multicast) return "a multicast address";
            var first = address.GetAddressBytes()[0];
            if ((first & 0xFE) == 0xFC) return "a private (unique local) address";
            return null;
        }
        return "an address of an unknown family";
    }

    /// <summary>Why the hub must not call any of a name's addresses (the first refusal), or null when every one is allowed.</summary>
    public static string? Refusal(IEnumerable<IPAddress> addresses, bool allowLoopback) =>
        addresses.Select(a => Refusal(a, allowLoopback) is { } why ? $"{a} is {why}" : null).FirstOrDefault(r => r is not null);
}
