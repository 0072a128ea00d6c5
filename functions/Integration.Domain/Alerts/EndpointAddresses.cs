using System.Net;
using System.Net.Sockets;

namespace Integration.Domain.Alerts;

/// <summary>
/// Which addresses the hub may call for a partner (alert webhooks): one allow-list decision over the address itself,
/// global unicast only. Everything in the IANA special-purpose registries (RFC 6890 and its updates) is refused:
/// private, shared, loopback, link-local (the cloud metadata address 169.254.169.254 among them), documentation,
/// benchmarking, protocol-assignment, multicast and reserved ranges; IPv6 outside 2000::/3; the IPv6 forms that carry
/// an IPv4 address (mapped ::ffff:0:0/96 and NAT64 64:ff9b::/96) are judged as the IPv4 address they carry, and the
/// forms that reach one through a relay or translator the hub does not control (6to4 2002::/16, Teredo and the rest of
/// 2001::/23, local-use NAT64 64:ff9b:1::/48, the deprecated IPv4-compatible ::a.b.c.d) are refused. Loopback only
/// where <c>allowLoopback</c> (Development: local receivers). The same decision is made when a subscription is
/// written and on the address actually connected to at every delivery.
/// </summary>
public static class EndpointAddresses
{
    private sealed record Range(byte[] Prefix, int Bits, string Why)
    {
        public bool Contains(ReadOnlySpan<byte> address)
        {
            if (address.Length != Prefix.Length) return false;
            var whole = Bits / 8;
            if (!address[..whole].SequenceEqual(Prefix.AsSpan(0, whole))) return false;
            var rest = Bits % 8;
            if (rest == 0) return true;
            var mask = (byte)(0xFF << (8 - rest));
            return (address[whole] & mask) == (Prefix[whole] & mask);
        }
    }

    private static Range R(string cidr, string why)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        return new Range(IPAddress.Parse(cidr[..slash]).GetAddressBytes(), int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture), why);
    }

    private const string Private = "a private address";
    private const string Documentation = "a documentation address";
    private const string Reserved = "a reserved address";
    private const string Relay = "an address reached through a relay or translator";

    /// <summary>The IPv4 special-purpose ranges (RFC 6890, RFC 8190 and the IANA registry), loopback apart.</summary>
    private static readonly Range[] V4Refused =
    [
        R("0.0.0.0/8", "an unspecified address"),
        R("10.0.0.0/8", Private),
        R("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
        R("169.254.0.0/16", "a link-local address (the cloud metadata service among them)"),
        R("172.16.0.0/12", Private),
        R("192.0.0.0/24", "an IETF protocol assignment address"),
        R("192.0.2.0/24", Documentation),
        R("192.88.99.0/24", "a 6to4 relay anycast address"),
        R("192.168.0.0/16", Private),
        R("198.18.0.0/15", "a benchmarking address"),
        R("198.51.100.0/24", Documentation),
        R("203.0.113.0/24", Documentation),
        R("224.0.0.0/4", "a multicast address"),
        R("240.0.0.0/4", Reserved),
    ];

    /// <summary>The IPv6 special-purpose ranges inside 2000::/3 (everything outside it is refused anyway).</summary>
    private static readonly Range[] V6Refused =
    [
        R("2001:db8::/32", Documentation),
        R("2001::/23", "an IETF protocol assignment address (Teredo among them)"),
        R("2002::/16", Relay + " (6to4)"),
        R("3fff::/20", Documentation),
    ];

    private static readonly Range Loopback4 = R("127.0.0.0/8", "a loopback address");
    private static readonly Range Mapped = R("::ffff:0:0/96", "an IPv4-mapped address");
    private static readonly Range Nat64 = R("64:ff9b::/96", "a NAT64 address");
    private static readonly Range LocalNat64 = R("64:ff9b:1::/48", Relay + " (local NAT64)");
    private static readonly Range GlobalUnicast = R("2000::/3", "");

    /// <summary>Why the hub must not call this address, or null when it may.</summary>
    public static string? Refusal(IPAddress address, bool allowLoopback)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var length)) return "an address of an unknown family";
        bytes = bytes[..length];
        if (address.AddressFamily == AddressFamily.InterNetwork) return V4Refusal(bytes, allowLoopback);
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return "an address of an unknown family";
        // The forms that carry an IPv4 address the hub's network reaches directly: judged as that address.
        if (Mapped.Contains(bytes) || Nat64.Contains(bytes)) return V4Refusal(bytes[12..], allowLoopback);
        if (address.Equals(IPAddress.IPv6Loopback)) return allowLoopback ? null : "a loopback address";
        if (address.Equals(IPAddress.IPv6Any)) return "an unspecified address";
        if (LocalNat64.Contains(bytes)) return LocalNat64.Why;
        if (!GlobalUnicast.Contains(bytes))
            return (bytes[0], bytes[1] & 0xC0) switch
            {
                (0xFF, _) => "a multicast address",
                (0xFE, 0x80) => "a link-local address",
                (0xFC or 0xFD, _) => "a private (unique local) address",
                _ => "not a global unicast address",
            };
        foreach (var range in V6Refused)
            if (range.Contains(bytes)) return range.Why;
        return null;
    }

    private static string? V4Refusal(ReadOnlySpan<byte> bytes, bool allowLoopback)
    {
        if (Loopback4.Contains(bytes)) return allowLoopback ? null : Loopback4.Why;
        foreach (var range in V4Refused)
            if (range.Contains(bytes)) return range.Why;
        return null;
    }

    /// <summary>Why the hub must not call any of a name's addresses (the first refusal), or null when every one is allowed.</summary>
    public static string? Refusal(IEnumerable<IPAddress> addresses, bool allowLoopback) =>
        addresses.Select(a => Refusal(a, allowLoopback) is { } why ? $"{a} is {why}" : null).FirstOrDefault(r => r is not null);

    /// <summary>
    /// The addresses of an endpoint's host (an address literal in any form, with or without brackets, or a name, then
    /// resolved) and why the hub must not call them, or null when it may: the one check of the subscription and of the
    /// delivery's connection. A name that does not resolve has no addresses and no refusal: the caller decides.
    /// </summary>
    public static async Task<(IPAddress[] Addresses, string? Refusal)> ResolveAsync(string host, bool allowLoopback,
        Func<string, CancellationToken, Task<IPAddress[]>> resolve, CancellationToken cancellationToken)
    {
        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        IPAddress[] addresses;
        if (IPAddress.TryParse(bare, out var literal)) addresses = [literal];
        else
        {
            try
            {
                addresses = await resolve(bare, cancellationToken);
            }
            catch (SocketException)
            {
                addresses = [];
            }
        }
        return (addresses, Refusal(addresses, allowLoopback));
    }
}
