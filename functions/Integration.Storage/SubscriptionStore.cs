using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Integration.Domain;
using Integration.Domain.Alerts;

namespace Integration.Storage;

/// <summary>
/// A partner's webhook endpoint for alerts: where, signed with which secret, and which alerts (the filter, within what
/// the owner may see). <see cref="Digest"/>: events of alerts that are not serious wait for the daily digest.
/// <see cref="Id"/> is the owner's own name for it (each partner has its own ids); <see cref="Key"/> is the hub's.
/// </summary>
public sealed record Subscription(string Id, string Owner, Uri Endpoint, SubscriptionFilter Filter, DateTimeOffset UpdatedAt)
{
    public bool Digest { get; init; }

    /// <summary>
    /// The hub's key for the subscription, unique across partners (<see cref="SubscriptionKeys"/>): its row, the
    /// partition of its deliveries and digests, its queue messages. Never shown to a partner.
    /// </summary>
    [JsonIgnore]
    public string Key { get; init; } = SubscriptionKeys.Of(Owner, Id);
}

/// <summary>
/// The hub's keys of subscriptions: <c>{owner}~{id}</c> (an id holds no '~'); a row stored before ids were per partner
/// keeps its bare id as its key, and belongs to the owner it names.
/// </summary>
public static class SubscriptionKeys
{
    public static string Of(string owner, string id) => $"{TableKeys.Of(owner)}~{id}";

    /// <summary>The owner's id of the subscription a key names.</summary>
    public static string IdOf(string key) => key[(key.LastIndexOf('~') + 1)..];
}

/// <summary>
/// Subscriptions, one row each (partition <c>sub</c>, row: the <see cref="Subscription.Key"/>), the secret encrypted
/// at rest.
/// </summary>
public sealed class SubscriptionStore(HubStorage storage, SecretProtector protector)
{
    private const string Partition = "sub";

    /// <summary>Writes the subscription under its <see cref="Subscription.Key"/> (a changed one under the key it was read with).</summary>
    public async Task PutAsync(Subscription subscription, string secret, CancellationToken cancellationToken) =>
        await storage.Subscriptions.UpsertEntityAsync(new TableEntity(Partition, subscription.Key)
        {
            ["Data"] = HubJson.Serialize(subscription),
            ["Secret"] = protector.Protect(secret),
        }, TableUpdateMode.Replace, cancellationToken);

    /// <summary>The subscription a key names (a queue message's, a delivery's).</summary>
    public async Task<(Subscription Subscription, string Secret)?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var row = await storage.Subscriptions.GetEntityIfExistsAsync<TableEntity>(Partition, key, cancellationToken: cancellationToken);
        return row.HasValue ? (Read(row.Value!), protector.Unprotect(row.Value!.GetString("Secret"))) : null;
    }

    /// <summary>The owner's subscription of that id: its row, or one stored under the bare id that names this owner.</summary>
    public async Task<Subscription?> FindAsync(string owner, string id, CancellationToken cancellationToken)
    {
        var key = SubscriptionKeys.Of(owner, id);
        Subscription? legacy = null;
        await foreach (var e in storage.Subscriptions.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and (RowKey eq {key} or RowKey eq {id})"),
                           select: ["RowKey", "Data"], cancellationToken: cancellationToken))
        {
            var found = Read(e);
            if (e.RowKey == key) return found;
            if (found.Owner == owner && found.Id == id) legacy = found;
        }
        return legacy;
    }

    public async Task<IReadOnlyList<Subscription>> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<Subscription>();
        await foreach (var e in storage.Subscriptions.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, select: ["RowKey", "Data"], cancellationToken: cancellationToken))
            list.Add(Read(e));
        return list;
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Subscriptions.DeleteEntityAsync(Partition, key, ETag.All, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private static Subscription Read(TableEntity e) => HubJson.Deserialize<Subscription>(e.GetString("Data")) with { Key = e.RowKey };
}

/// <summary>
/// The events waiting for a subscriber's daily digest (partition: the subscription; row: the event), taken together
/// into one delivery when the digest goes out.
/// </summary>
public sealed class AlertDigestStore(HubStorage storage)
{
    public async Task AddAsync(string subscription, IReadOnlyList<AlertEvent> events, CancellationToken cancellationToken)
    {
        foreach (var chunk in TableBatch.Chunk(events.Select(e => new TableEntity(subscription, Key(e.EventId)) { ["Data"] = HubJson.Serialize(e) }).DistinctBy(e => e.RowKey), e => e.GetString("Data").Length + 200))
            await TableBatch.SubmitAsync(storage.AlertDigests, [.. chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e))], cancellationToken);
    }

    /// <summary>Every subscription's waiting events, oldest first.</summary>
    public async Task<IReadOnlyDictionary<string, List<AlertEvent>>> PendingAsync(CancellationToken cancellationToken)
    {
        var pending = new Dictionary<string, List<AlertEvent>>(StringComparer.Ordinal);
        await foreach (var e in storage.AlertDigests.QueryAsync<TableEntity>(select: ["PartitionKey", "Data"], cancellationToken: cancellationToken))
        {
            if (!pending.TryGetValue(e.PartitionKey, out var list)) pending[e.PartitionKey] = list = [];
            list.Add(HubJson.Deserialize<AlertEvent>(e.GetString("Data")));
        }
        foreach (var list in pending.Values) list.Sort((a, b) => a.At.CompareTo(b.At));
        return pending;
    }

    public Task RemoveAsync(string subscription, IEnumerable<AlertEvent> events, CancellationToken cancellationToken) =>
        TableBatch.DeleteAsync(storage.AlertDigests, subscription, events.Select(e => Key(e.EventId)), cancellationToken);

    private static string Key(string id) => TableKeys.Of(id);
}
