using System.Net;
using Integration.Domain.Alerts;
using Integration.Functions.Outbound;

namespace Integration.UnitTests.Alerts;

/// <summary>
/// The hub never calls an address outside global unicast for a partner: one allow-list decision, made when a
/// subscription is written (on the URL's host) and on the address actually connected to at every delivery.
/// </summary>
public sealed class EndpointAddressesTests
{
    /// <summary>Every spelling an outside probe tried (and more): decimal, octal, hex, short forms, IPv6 forms that carry IPv4, names.</summary>
    public static TheoryData<string> InternalUrls() =>
    [
        // Loopback, in every spelling.
        "http://127.0.0.1/", "http://127.8.9.10/", "http://2130706433/", "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://0x7f000001/",
        "http://017700000001/", "http://127.1/", "http://127.0.1/", "http://localhost/", "http://[::1]/", "http://[0:0:0:0:0:0:0:1]/",
        "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[0:0:0:0:0:ffff:127.0.0.1]/",
        // The IPv6 forms that got through: IPv4-compatible, NAT64 and 6to4 embeddings of 127.0.0.1.
        "http://[::127.0.0.1]/", "http://[64:ff9b::7f00:1]/", "http://[64:ff9b::127.0.0.1]/", "http://[2002:7f00:1::]/", "http://[2002:7f00:1::1]/",
        // The cloud metadata service and link-local.
        "http://169.254.169.254/", "http://2852039166/", "http://0xa9fea9fe/", "http://0251.0376.0251.0376/", "http://[::ffff:169.254.169.254]/",
        "http://[64:ff9b::a9fe:a9fe]/", "http://[fe80::1]/", "http://[febf::1]/",
        // Private, shared, unspecified.
        "http://10.0.0.1/", "http://012.0.0.1/", "http://167772161/", "http://172.16.0.1/", "http://172.31.255.254/", "http://192.168.1.1/",
        "http://0xc0a80001/", "http://[::ffff:10.0.0.1]/", "http://[::ffff:192.168.0.1]/", "http://100.64.0.1/", "http://100.127.255.254/",
        "http://0.0.0.0/", "http://0/", "http://[::]/", "http://[fc00::1]/", "http://[fd12:3456::1]/",
        // Special-purpose (RFC 6890): protocol assignments, documentation, benchmarking, 6to4 relay, reserved, multicast, broadcast.
        "http://192.0.0.1/", "http://192.0.0.170/", "http://192.0.2.1/", "http://198.51.100.7/", "http://203.0.113.7/", "http://198.18.0.1/",
        "http://198.19.255.254/", "http://192.88.99.1/", "http://240.0.0.1/", "http://255.255.255.255/", "http://224.0.0.1/", "http://239.255.255.250/",
        "http://[ff02::1]/", "http://[ff0e::1]/", "http://[100::1]/", "http://[2001::1]/", "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
        "http://[2001:10::1]/", "http://[2001:db8::1]/", "http://[3fff::1]/", "http://[64:ff9b:1::a00:1]/", "http://[::2]/", "http://[1::1]/",
        "http://[4000::1]/", "http://[::ffff:198.18.0.1]/", "http://[64:ff9b::c000:1]/",
    ];

    public static TheoryData<string> PublicUrls() =>
    [
        "https://8.8.8.8/", "https://1.1.1.1/", "https://172.32.0.1/", "https://100.128.0.1/", "https://198.20.0.1/", "https://192.0.1.1/",
        "https://[2606:4700:4700::1111]/", "https://[2a00:1450:4001:82b::200e]/", "https://[::ffff:8.8.8.8]/", "https://[64:ff9b::808:808]/",
        "https://134744072/",
    ];

    private static Task<(IPAddress[] Addresses, string? Refusal)> Judge(string url, bool allowLoopback = false) =>
        EndpointAddresses.ResolveAsync(new Uri(url).IdnHost, allowLoopback, Dns.GetHostAddressesAsync, CancellationToken.None);

    [Theory]
    [MemberData(nameof(InternalUrls))]
    public async Task InternalAddresses_InEverySpelling_AreRefused_WhenSubscribing(string url)
    {
        var (addresses, why) = await Judge(url);
        Assert.NotEmpty(addresses);
        Assert.NotNull(why);
    }

    [Theory]
    [MemberData(nameof(InternalUrls))]
    public async Task InternalAddresses_InEverySpelling_AreRefused_WhenConnecting(string url)
    {
        var uri = new Uri(url);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(async () =>
            await AlertSender.ConnectAsync(new DnsEndPoint(uri.IdnHost, 443), allowLoopback: false, Dns.GetHostAddressesAsync, CancellationToken.None));
        Assert.StartsWith("The hub does not call", refused.Message);
    }

    [Theory]
    [MemberData(nameof(PublicUrls))]
    public async Task GlobalUnicastAddresses_AreAllowed(string url) => Assert.Null((await Judge(url)).Refusal);

    [Theory]
    [InlineData("127.0.0.1", "a loopback address")]
    [InlineData("::1", "a loopback address")]
    [InlineData("0.0.0.0", "an unspecified address")]
    [InlineData("::", "an unspecified address")]
    [InlineData("10.1.2.3", "a private address")]
    [InlineData("169.254.169.254", "a link-local address (the cloud metadata service among them)")]
    [InlineData("fe80::1", "a link-local address")]
    [InlineData("fd12:3456::1", "a private (unique local) address")]
    [InlineData("::ffff:10.0.0.1", "a private address")]
    [InlineData("100.64.0.1", "a shared (carrier-grade NAT) address")]
    [InlineData("224.0.0.1", "a multicast address")]
    [InlineData("255.255.255.255", "a reserved address")]
    [InlineData("198.18.0.1", "a benchmarking address")]
    [InlineData("192.0.0.1", "an IETF protocol assignment address")]
    [InlineData("203.0.113.7", "a documentation address")]
    [InlineData("2001:db8::1", "a documentation address")]
    [InlineData("::127.0.0.1", "not a global unicast address")]
    [InlineData("64:ff9b::7f00:1", "a loopback address")]
    [InlineData("2002:7f00:1::", "an address reached through a relay or translator (6to4)")]
    [InlineData("ff02::1", "a multicast address")]
    public void EachRefusal_SaysWhy(string address, string why) =>
        Assert.Equal(why, EndpointAddresses.Refusal(IPAddress.Parse(address), allowLoopback: false));

    [Fact]
    public void Development_AllowsLoopbackOnly() =>
        Assert.Equal([null, null, null, null, "a private address", "not a global unicast address"],
            new[] { "127.0.0.1", "::1", "::ffff:127.0.0.1", "64:ff9b::7f00:1", "10.0.0.1", "::127.0.0.1" }.Select(a => EndpointAddresses.Refusal(IPAddress.Parse(a), allowLoopback: true)));

    [Fact]
    public void AName_OneOfWhoseAddressesIsInternal_IsRefused() =>
        Assert.Equal("10.0.0.5 is a private address", EndpointAddresses.Refusal([IPAddress.Parse("8.8.8.8"), IPAddress.Parse("10.0.0.5")], allowLoopback: false));

    [Fact]
    public async Task Delivery_ToANameThatNowResolvesInternally_IsRefusedBeforeConnecting()
    {
        var resolved = new List<string>();
        Task<IPAddress[]> Rebound(string host, CancellationToken _)
        {
            resolved.Add(host);
            return Task.FromResult(new[] { IPAddress.Parse("169.254.169.254") });
        }
        var refused = await Assert.ThrowsAsync<HttpRequestException>(async () =>
            await AlertSender.ConnectAsync(new DnsEndPoint("hooks.partner.example", 443), allowLoopback: false, Rebound, CancellationToken.None));
        Assert.Equal(["hooks.partner.example"], resolved);
        Assert.Contains("169.254.169.254 is a link-local address", refused.Message);
        await Assert.ThrowsAsync<HttpRequestException>(async () =>
            await AlertSender.ConnectAsync(new DnsEndPoint("10.0.0.9", 443), allowLoopback: false, Rebound, CancellationToken.None));
        await Assert.ThrowsAsync<HttpRequestException>(async () =>
            await AlertSender.ConnectAsync(new DnsEndPoint("[64:ff9b::7f00:1]", 443), allowLoopback: false, Rebound, CancellationToken.None));
        Assert.Equal(["hooks.partner.example"], resolved);
    }
}
