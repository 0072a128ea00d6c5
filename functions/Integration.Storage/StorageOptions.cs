namespace Integration.Storage;

/// <summary>Where the hub keeps its state. Bound from <c>Hub:Storage</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>
    /// A storage connection string. Default <c>UseDevelopmentStorage=true</c> (Azurite on its standard ports).
    /// Leave empty in Azure and set <see cref="AccountName"/>: the hub then signs in with its managed identity.
    /// </summary>
    public string? ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>The storage account to reach with a managed identity (no keys) when there is no connection string.</summary>
    public string? AccountName { get; set; }

    /// <summary>
    /// The cloud's storage DNS suffix, with <see cref="AccountName"/>. Default <c>core.windows.net</c>; Azure operated by
    /// 21Vianet (China) uses <c>core.chinacloudapi.cn</c> (infra sets it from the cloud it deploys to).
    /// </summary>
    public string EndpointSuffix { get; set; } = "core.windows.net";

    /// <summary>
    /// Put before every table and container name, so that several hubs (or test runs) can share one account.
    /// Lower-case letters and digits. Default empty.
    /// </summary>
    public string Prefix { get; set; } = "";

    /// <summary>
    /// At most this many connections to each storage endpoint (table, queue, blob); requests beyond wait for one.
    /// Default 64. Without a bound, a burst of point reads opened thousands of connections at once, overflowed the
    /// endpoint's accept queue, and the refused connections waited out TCP's retransmission back-off (seconds to
    /// minutes) with both ends idle.
    /// </summary>
    public int MaxConnections { get; set; } = 64;
}

/// <summary>Names of the queues the functions listen on. Bound from <c>Hub:Queues</c>; function.json refers to them as %Hub:Queues:...%.</summary>
public sealed class QueueOptions
{
    /// <summary>Accepted requests waiting to be written into tables. Default <c>ingest</c>.</summary>
    public string Ingest { get; set; } = "ingest";

    /// <summary>Alert events on their way to subscribers' endpoints, several for one subscriber per message. Default <c>alertdeliveries</c>.</summary>
    public string AlertDeliveries { get; set; } = "alertdeliveries";
}
