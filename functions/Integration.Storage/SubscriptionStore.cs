using Azure;
using Azure.Data.Tables;
using Integration.Domain;
using Integration.Domain.Alerts;

namespace Integration.Storage;

/// <summary>
/// A partner's webhook endpoint for alerts: where, signed with which secret, and which alerts (the filter, within what
/// the owner may see). <see cref="Digest"/>: events of alerts that are not serious wait for the daily digest.
/// </summary>
public sealed record Subscription(string Id, string Owner, Uri Endpoint, SubscriptionFilter Filter, DateTimeOffset UpdatedAt)
{
    public bool Digest { get; init; }
}

/// <summary>Subscriptions, one row each (partition <c>sub</c>), the secret encrypted at rest.</summary>
public sealed class SubscriptionStore(HubStorage storage, SecretProtector protector)
{
    private const string Partition = "sub";

    public async Task PutAsync(Subscription subscription, string secret, CancellationToken cancellationToken) =>
        await storage.Subscriptions.UpsertEntityAsync(new TableEntity(Partition, subscription.Id)
        {
            ["Data"] = HubJson.Serialize(subscription),
            ["Secret"] = protector.Protect(secret),
        }, TableUpdateMode.Replace, cancellationToken);

    public async Task<(Subscription Subscription, string Secret)?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var row = await storage.Subscriptions.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken);
        return row.HasValue ? (HubJson.Deserialize<Subscription>(row.Value!.GetString("Data")), protector.Unprotect(row.Value.GetString("Secret"))) : null;
    }

    public async Task<IReadOnlyList<Subscription>> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<Subscription>();
        await foreach (var e in storage.Subscriptions.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, select: ["Data"], cancellationToken: cancellationToken))
            list.Add(HubJson.Deserialize<Subscription>(e.GetString("Data")));
        return list;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Subscriptions.DeleteEntityAsync(Partition, id, ETag.All, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }
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
