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

/// <summary>Where one alert event stands for one subscriber.</summary>
public sealed record AlertDelivery(string Subscription, string EventId, string AlertId, string Status, int Attempts, DateTimeOffset FirstAttemptAt)
{
    public DateTimeOffset? DeliveredAt { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public string? LastError { get; init; }

    /// <summary>The body sent (the CloudEvent), the same at every attempt.</summary>
    public string? Event { get; init; }

    /// <summary>The row's version when read (not stored): an update given it changes the row only if nothing else did.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ETag? Version { get; init; }
}

public static class AlertDeliveryStatus
{
    public const string Pending = "pending", Delivered = "delivered", Retrying = "retrying", Dead = "dead";
}

/// <summary>
/// The status of every alert event for every subscriber it went to (partition: the subscription; row: the event):
/// written when the event is fanned out (insert-if-absent: fanned out once), then by each attempt. The body sent is a
/// column of its own (<c>Event</c>), written once: attempts change the status only.
/// </summary>
public sealed class AlertDeliveryStore(HubStorage storage)
{
    /// <summary>
    /// Records new deliveries of one subscription (transactions of up to 100 rows); returns those that still need a
    /// message: the new ones, and those recorded before that never got further (a fan-out cut short by a crash).
    /// </summary>
    public async Task<IReadOnlyList<AlertDelivery>> AddAsync(string subscription, IReadOnlyList<AlertDelivery> deliveries, CancellationToken cancellationToken)
    {
        var open = new List<AlertDelivery>();
        foreach (var chunk in TableBatch.Chunk(deliveries.DistinctBy(d => Key(d.EventId)), d => (d.Event?.Length ?? 0) + 1000))
        {
            try
            {
                await TableBatch.SubmitAsync(storage.AlertDeliveries, [.. chunk.Select(d => new TableTransactionAction(TableTransactionActionType.Add, Entity(d with { Subscription = subscription }, withEvent: true)))], cancellationToken);
                open.AddRange(chunk);
                continue;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
            }
            // Some were recorded before: one by one.
            foreach (var d in chunk)
            {
                try
                {
                    await storage.AlertDeliveries.AddEntityAsync(Entity(d with { Subscription = subscription }, withEvent: true), cancellationToken);
                    open.Add(d);
                }
                catch (RequestFailedException e) when (e.Status == 409)
                {
                    if ((await GetAsync(subscription, d.EventId, cancellationToken))?.Status == AlertDeliveryStatus.Pending) open.Add(d);
                }
            }
        }
        return open;
    }

    public async Task<AlertDelivery?> GetAsync(string subscription, string eventId, CancellationToken cancellationToken)
    {
        var row = await storage.AlertDeliveries.GetEntityIfExistsAsync<TableEntity>(subscription, Key(eventId), ["Data", "Event"], cancellationToken);
        return row.HasValue ? Read(row.Value!) : null;
    }

    /// <summary>
    /// New statuses of deliveries of one subscription (the bodies stay as they were), in transactions of up to 100. A
    /// delivery read with its <see cref="AlertDelivery.Version"/> changes only if its row did not change since.
    /// </summary>
    public async Task UpdateAsync(string subscription, IReadOnlyList<AlertDelivery> deliveries, CancellationToken cancellationToken)
    {
        foreach (var chunk in TableBatch.Chunk(deliveries.DistinctBy(d => Key(d.EventId)), _ => 1000))
        {
            try
            {
                await TableBatch.SubmitAsync(storage.AlertDeliveries, [.. chunk.Select(Update)], cancellationToken);
                continue;
            }
            catch (TableTransactionFailedException e) when (e.Status == 412)
            {
            }
            // Some changed since they were read: the others one by one.
            foreach (var d in chunk)
            {
                try { await TableBatch.SubmitAsync(storage.AlertDeliveries, [Update(d)], cancellationToken); }
                catch (TableTransactionFailedException e) when (e.Status == 412) { }
            }
        }

        TableTransactionAction Update(AlertDelivery d) => d.Version is { } version
            ? new(TableTransactionActionType.UpdateMerge, Entity(d with { Subscription = subscription }, withEvent: false), version)
            : new(TableTransactionActionType.UpsertMerge, Entity(d with { Subscription = subscription }, withEvent: false));
    }

    /// <summary>Deliveries of an alert (every subscriber), or with a status (every subscription when null); with their bodies when asked.</summary>
    public async Task<IReadOnlyList<AlertDelivery>> ListAsync(string? subscription, string? status, string? alertId, CancellationToken cancellationToken, bool withEvents = false)
    {
        var filters = new List<string>();
        if (subscription is not null) filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {subscription}"));
        if (status is not null) filters.Add(TableClient.CreateQueryFilter($"Status eq {status}"));
        if (alertId is not null) filters.Add(TableClient.CreateQueryFilter($"AlertId eq {alertId}"));
        var list = new List<AlertDelivery>();
        await foreach (var e in storage.AlertDeliveries.QueryAsync<TableEntity>(filters.Count == 0 ? null : string.Join(" and ", filters), select: withEvents ? ["Data", "Event"] : ["Data"], cancellationToken: cancellationToken))
            list.Add(Read(e));
        return list;
    }

    private static AlertDelivery Read(TableEntity e) => HubJson.Deserialize<AlertDelivery>(e.GetString("Data")) with { Event = e.GetString("Event"), Version = e.ETag };

    private static TableEntity Entity(AlertDelivery d, bool withEvent)
    {
        var e = new TableEntity(d.Subscription, Key(d.EventId))
        {
            ["Data"] = HubJson.Serialize(d with { Event = null }),
            ["Status"] = d.Status,
            ["AlertId"] = d.AlertId,
        };
        if (withEvent) e["Event"] = d.Event;
        return e;
    }

    private static string Key(string id) => TableKeys.Of(id);
}
