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
    public Task AddAsync(string subscription, AlertEvent e, CancellationToken cancellationToken) =>
        storage.AlertDigests.UpsertEntityAsync(new TableEntity(subscription, Key(e.EventId)) { ["Data"] = HubJson.Serialize(e) }, TableUpdateMode.Replace, cancellationToken);

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

    public async Task RemoveAsync(string subscription, IEnumerable<AlertEvent> events, CancellationToken cancellationToken)
    {
        foreach (var chunk in TableBatch.Chunk(events.Select(e => Key(e.EventId)).Distinct(), _ => 100))
        {
            try
            {
                await TableBatch.SubmitAsync(storage.AlertDigests, [.. chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(subscription, k), ETag.All))], cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status == 404)
            {
                // Some went already (a run before a crash): one by one.
                foreach (var k in chunk)
                {
                    try { await storage.AlertDigests.DeleteEntityAsync(subscription, k, ETag.All, cancellationToken); }
                    catch (RequestFailedException x) when (x.Status == 404) { }
                }
            }
        }
    }

    private static string Key(string id) => TableKeys.Of(id);
}

/// <summary>Where one alert event stands for one subscriber.</summary>
public sealed record AlertDelivery(string Subscription, string EventId, string AlertId, string Status, int Attempts, DateTimeOffset FirstAttemptAt)
{
    public DateTimeOffset? DeliveredAt { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public string? LastError { get; init; }

    /// <summary>The body sent (the CloudEvent), the same at every attempt.</summary>
    public string? Event { get; init; }
}

public static class AlertDeliveryStatus
{
    public const string Pending = "pending", Delivered = "delivered", Retrying = "retrying", Dead = "dead";
}

/// <summary>
/// The status of every alert event for every subscriber it went to (partition: the subscription; row: the event):
/// written when the event is fanned out (insert-if-absent: fanned out once), then by each attempt.
/// </summary>
public sealed class AlertDeliveryStore(HubStorage storage)
{
    /// <summary>Records a new delivery; false when it was recorded before (a fan-out done again).</summary>
    public async Task<bool> AddAsync(AlertDelivery delivery, CancellationToken cancellationToken)
    {
        try
        {
            await storage.AlertDeliveries.AddEntityAsync(Entity(delivery), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<AlertDelivery?> GetAsync(string subscription, string eventId, CancellationToken cancellationToken)
    {
        var row = await storage.AlertDeliveries.GetEntityIfExistsAsync<TableEntity>(subscription, Key(eventId), ["Data"], cancellationToken);
        return row.HasValue ? HubJson.Deserialize<AlertDelivery>(row.Value!.GetString("Data")) : null;
    }

    public Task UpdateAsync(AlertDelivery delivery, CancellationToken cancellationToken) =>
        storage.AlertDeliveries.UpsertEntityAsync(Entity(delivery), TableUpdateMode.Replace, cancellationToken);

    /// <summary>Deliveries of an alert (every subscriber), or with a status (every subscription when null).</summary>
    public async Task<IReadOnlyList<AlertDelivery>> ListAsync(string? subscription, string? status, string? alertId, CancellationToken cancellationToken)
    {
        var filters = new List<string>();
        if (subscription is not null) filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {subscription}"));
        if (status is not null) filters.Add(TableClient.CreateQueryFilter($"Status eq {status}"));
        if (alertId is not null) filters.Add(TableClient.CreateQueryFilter($"AlertId eq {alertId}"));
        var list = new List<AlertDelivery>();
        await foreach (var e in storage.AlertDeliveries.QueryAsync<TableEntity>(filters.Count == 0 ? null : string.Join(" and ", filters), select: ["Data"], cancellationToken: cancellationToken))
            list.Add(HubJson.Deserialize<AlertDelivery>(e.GetString("Data")));
        return list;
    }

    private static TableEntity Entity(AlertDelivery d) => new(d.Subscription, Key(d.EventId))
    {
        ["Data"] = HubJson.Serialize(d),
        ["Status"] = d.Status,
        ["AlertId"] = d.AlertId,
    };

    private static string Key(string id) => TableKeys.Of(id);
}
