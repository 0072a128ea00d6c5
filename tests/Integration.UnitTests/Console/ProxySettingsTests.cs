using System.Net;
using Integration.Functions.Hosting;

namespace Integration.UnitTests.Console;

public sealed class ProxySettingsTests
{
    [Fact]
    public void NothingIsTrusted_ByDefault()
    {
        var none = new ProxySettings();
        Assert.Empty(none.Proxies());
        Assert.Empty(none.Networks());
        Assert.Empty(none.Problems());
    }

    [Fact]
    public void ProxiesAndNetworks_AreListsOfAddressesAndCidrs_AnythingElseIsAProblemAtStart()
    {
        var settings = new ProxySettings { KnownProxies = " 10.1.2.3, ::1;192.0.2.10 ", KnownNetworks = "10.0.0.0/8, fd00::/8" };
        Assert.Equal([IPAddress.Parse("10.1.2.3"), IPAddress.IPv6Loopback, IPAddress.Parse("192.0.2.10")], settings.Proxies());
        Assert.Equal([IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("fd00::/8")], settings.Networks());
        Assert.Empty(settings.Problems());

        var wrong = new ProxySettings { KnownProxies = "frontdoor.example", KnownNetworks = "10.0.0.0/33,10.0.0.1" };
        Assert.Equal(3, wrong.Problems().Count());
    }
}
