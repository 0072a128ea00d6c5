using System.Net;

namespace Integration.Functions.Hosting;

/// <summary>
/// Which front ends the hub believes about the client (<c>Hub:ForwardedHeaders</c>): X-Forwarded-For, -Proto and -Host
/// are read only from a request whose immediate sender is one of <see cref="KnownProxies"/> or within one of
/// <see cref="KnownNetworks"/>, one hop deep. Nothing is trusted by default (not even loopback): a hub reached directly
/// sees its callers as they are (the framework's middleware, with both lists empty, would believe anyone: it is not used
/// then). Under the Functions host, the host forwards each HTTP request from loopback with the
/// front end's headers, so infra/ sets <c>127.0.0.1,::1</c>.
/// </summary>
public sealed class ProxySettings
{
    public const string Section = "Hub:ForwardedHeaders";

    /// <summary>Addresses of trusted proxies, comma-separated (e.g. <c>127.0.0.1,::1</c>). Default none.</summary>
    public string? KnownProxies { get; set; }

    /// <summary>Networks of trusted proxies in CIDR notation, comma-separated (e.g. <c>10.0.0.0/8</c>). Default none.</summary>
    public string? KnownNetworks { get; set; }

    public IReadOnlyList<IPAddress> Proxies() => [.. Entries(KnownProxies).Select(e => IPAddress.TryParse(e, out var a) ? a : null).OfType<IPAddress>()];

    public IReadOnlyList<IPNetwork> Networks() => [.. Entries(KnownNetworks).Select(e => IPNetwork.TryParse(e, out var n) ? (IPNetwork?)n : null).OfType<IPNetwork>()];

    public IEnumerable<string> Problems()
    {
        foreach (var entry in Entries(KnownProxies).Where(e => !IPAddress.TryParse(e, out _)))
            yield return $"{Section}:KnownProxies: '{entry}' is not an IP address.";
        foreach (var entry in Entries(KnownNetworks).Where(e => !IPNetwork.TryParse(e, out _)))
            yield return $"{Section}:KnownNetworks: '{entry}' is not a network in CIDR notation (e.g. 10.0.0.0/8).";
    }

    private static IEnumerable<string> Entries(string? list) =>
        (list ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
