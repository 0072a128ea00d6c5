using System.Net;
using Integration.Domain.Alerts;
using Integration.Functions.Outbound;

namespace Integration.UnitTests.Alerts;

/// <summary>The hub never calls an internal address for a partner: at subscription time and again at every delivery.</summary>
public sealed class EndpointAddressesTests
{
    [Theory]
    [InlineData("127.0.0.1", "a loopback address")]
    [InlineData("127.8.9.10", "a loopback address")]
    [InlineData("::1", "a loopback address")]
    [InlineData("0.0.0.0", "an unspecified address")]
    [InlineData("::", "an unspecified address")]
    [InlineData("10.1.2.3", "a private address")]
    [InlineData("172.16.0.1", "a private address")]
    [InlineData("172.31.255.254", "a private address")]
    [InlineData("192.168.1.1", "a private address")]
    [InlineData("169.254.169.254", "a link-local address (the cloud metadata service among them)")]
    [InlineData("fe80::1", "a link-local address")]
    [InlineData("fc00::1", "a private (unique local) address")]
    [InlineData("fd12:3456::1", "a private (unique local) address")]
    [InlineData("::ffff:10.0.0.1", "a private address")]
    [InlineData("::ffff:127.0.0.1", "a loopback address")]
    [InlineData("100.64.0.1", "a shared (carrier-grade NAT) address")]
    [InlineData("224.0.0.1", "a multicast or reserved address")]
    [InlineData("255.255.255.255", "a multicast or reserved address")]
    public void InternalAddresses_AreRefused(string address, string why) =>
        Assert.Equal(why, EndpointAddresses.Refusal(IPAddress.Parse(address), allowLoopback: false));

    [Theory]
    [InlineData("203.0.113.7")]
    [InlineData("172.32.0.1")]
    [InlineData("8.8.8.8")]
    [InlineData("2001:db8::1")]
    public void PublicAddresses_AreAllowed(string address) => Assert.Null(EndpointAddresses.Refusal(IPAddress.Parse(address), allowLoopback: false));

    [Fact]
    public void Development_AllowsLoopbackOnly() =>
        Assert.Equal([null, null, "a private address"], new[] { "127.0.0.1", "::1", "10.0.0.1" }.Select(a => EndpointAddresses.Refusal(IPAddress.Parse(a), allowLoopback: true)));

    [Fact]
    public void AName_OneOfWhoseAddressesIsInternal_IsRefused() =>
        Assert.Equal("10.0.0.5 is a private address", EndpointAddresses.Refusal([IPAddress.Parse("203.0.113.7"), IPAddress.Parse("10.0.0.5")], allowLoopback: false));

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
    }
}
