using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Integration.Domain;

namespace Integration.Storage;

/// <summary>Where one alert event stands for one subscriber.</summary>
public sealed record AlertDelivery(string Subscription, string EventId, string AlertId, string Status, int Attempts, DateTimeOffset FirstAttemptAt)
{
    public DateTimeOffset? DeliveredAt { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public string? LastError { get; init; }

    /// <summary>Whether this is the delivery as it was in <paramref name="other"/> (no attempt or replay changed it since).</summary>
    public bool IsAsIn(AlertDelivery other) => Status == other.Status && Attempts == other.Attempts && FirstAttemptAt == other.FirstAttemptAt;
}

public static class AlertDeliveryStatus
{
    public const string Pending = "pending", Delivered = "delivered", Retrying = "retrying", Dead = "dead";

    public static bool IsOpen(string status) => status is Pending or Retrying;
}

/// <summary>
/// Deliveries to one subscriber recorded together, in a row of their own: a dispatch run's events for the subscriber
/// (up to <see cref="AlertDeliveryStore.MaxPerBatch"/>), or one part of its daily digest.
/// </summary>
public sealed record DeliveryBatch(string Subscription, string Id, IReadOnlyList<AlertDelivery> Deliveries)
{
    /// <summary>The row's version when read (not stored).</summary>
    [JsonIgnore]
    public ETag Version { get; init; }
}

/// <summary>A change of one delivery: made only while the delivery is as it was in <paramref name="Before"/> (null: whatever it is).</summary>
public sealed record DeliveryChange(AlertDelivery? Before, AlertDelivery After);

/// <summary>
/// Where every alert event stands for every subscriber it went to, a row per batch of deliveries (partition: the
/// subscription; row: the batch, <c>{run}|{n}</c> for a dispatch run's): recorded insert-if-absent when the events are
/// fanned out, then changed by the attempts, each delivery only while it is as the attempt found it. A row holds many
/// deliveries, so that a fan-out to many subscribers writes few rows; the bodies sent are stored once per event
/// (<see cref="AlertEventStore"/>).
/// </summary>
public sealed class AlertDeliveryStore(HubStorage storage)
{
    /// <summary>Deliveries in one batch at most (and so in one queue message).</summary>
    public const int MaxPerBatch = 100;

    /// <summary>
    /// Records new batches of one subscription (transactions of up to 100 rows); returns those that still need their
    /// message: the new ones, and those recorded before whose deliveries were never attempted (a fan-out cut short by a
    /// crash), as they are stored.
    /// </summary>
    public async Task<IReadOnlyList<DeliveryBatch>> AddAsync(string subscription, IReadOnlyList<DeliveryBatch> batches, CancellationToken cancellationToken)
    {
        var open = new List<DeliveryBatch>();
        var rows = batches.DistinctBy(b => b.Id).Select(b => (Batch: b with { Subscription = subscription }, Entity: Entity(b with { Subscription = subscription }))).ToList();
        foreach (var chunk in TableBatch.Chunk(rows, r => Size(r.Entity)))
        {
            try
            {
                await TableBatch.SubmitAsync(storage.AlertDeliveries, [.. chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r.Entity))], cancellationToken);
                open.AddRange(chunk.Select(r => r.Batch));
                continue;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
            }
            // Some were recorded before: one by one.
            foreach (var (batch, entity) in chunk)
            {
                try
                {
                    await storage.AlertDeliveries.AddEntityAsync(entity, cancellationToken);
                    open.Add(batch);
                }
                catch (RequestFailedException e) when (e.Status == 409)
                {
                    if (await GetAsync(subscription, batch.Id, cancellationToken) is { } stored && stored.Deliveries.All(d => d.Status == AlertDeliveryStatus.Pending && d.Attempts == 0))
                        open.Add(stored);
                }
            }
        }
        return open;
    }

    public async Task<DeliveryBatch?> GetAsync(string subscription, string batch, CancellationToken cancellationToken)
    {
        var row = await storage.AlertDeliveries.GetEntityIfExistsAsync<TableEntity>(subscription, batch, cancellationToken: cancellationToken);
        return row.HasValue ? Read(row.Value!) : null;
    }

    /// <summary>
    /// Changes deliveries of a batch, each only while it is as its <see cref="DeliveryChange.Before"/>; returns the
    /// changes made. <paramref name="read"/>: the batch as the caller read it (tried first; read again when the row
    /// changed since).
    /// </summary>
    public async Task<IReadOnlyList<AlertDelivery>> ChangeAsync(string subscription, string batch, IReadOnlyList<DeliveryChange> changes, CancellationToken cancellationToken, DeliveryBatch? read = null)
    {
        var byEvent = changes.GroupBy(c => c.After.EventId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        return await Conflicts.RetryAsync<IReadOnlyList<AlertDelivery>>($"delivery batch {subscription}/{batch}", async attempt =>
        {
            var current = attempt == 1 && read is not null ? read : await GetAsync(subscription, batch, cancellationToken);
            if (current is null) return [];
            var made = new List<AlertDelivery>();
            var next = current.Deliveries.Select(d =>
            {
                if (!byEvent.TryGetValue(d.EventId, out var change) || (change.Before is { } before && !d.IsAsIn(before))) return d;
                made.Add(change.After);
                return change.After;
            }).ToList();
            if (made.Count == 0) return [];
            await storage.AlertDeliveries.UpdateEntityAsync(Entity(current with { Subscription = subscription, Deliveries = next }), current.Version, TableUpdateMode.Replace, cancellationToken);
            return made;
        }, cancellationToken);
    }

    /// <summary>A subscription's batches: all, or those with a delivery in the status asked for (open: pending or retrying).</summary>
    public async Task<IReadOnlyList<DeliveryBatch>> BatchesAsync(string subscription, string? status, CancellationToken cancellationToken)
    {
        var filter = status switch
        {
            AlertDeliveryStatus.Dead => TableClient.CreateQueryFilter($"PartitionKey eq {subscription} and Dead gt {0}"),
            AlertDeliveryStatus.Pending or AlertDeliveryStatus.Retrying => TableClient.CreateQueryFilter($"PartitionKey eq {subscription} and Open gt {0}"),
            _ => TableClient.CreateQueryFilter($"PartitionKey eq {subscription}"),
        };
        var list = new List<DeliveryBatch>();
        await foreach (var e in storage.AlertDeliveries.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            list.Add(Read(e));
        return list;
    }

    /// <summary>A subscription's deliveries, all or in one status.</summary>
    public async Task<IReadOnlyList<AlertDelivery>> ListAsync(string subscription, string? status, CancellationToken cancellationToken) =>
        [.. (await BatchesAsync(subscription, status, cancellationToken)).SelectMany(b => b.Deliveries).Where(d => status is null || d.Status == status)];

    /// <summary>The deliveries of an alert's events to the given subscriptions, from the batches of the dispatch runs that carried them.</summary>
    public async Task<IReadOnlyList<AlertDelivery>> OfAlertAsync(IReadOnlyList<string> subscriptions, IReadOnlyCollection<string> runs, string alertId, CancellationToken cancellationToken)
    {
        var found = new System.Collections.Concurrent.ConcurrentBag<AlertDelivery>();
        await Parallel.ForEachAsync(subscriptions.SelectMany(s => runs.Select(r => (Subscription: s, Run: r))), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (q, ct) =>
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {q.Subscription} and RowKey ge {q.Run + "|"} and RowKey lt {q.Run + "}"}");
            await foreach (var e in storage.AlertDeliveries.QueryAsync<TableEntity>(filter, cancellationToken: ct))
                foreach (var d in Read(e).Deliveries.Where(d => d.AlertId == alertId))
                    found.Add(d);
        });
        return [.. found];
    }

    /// <summary>The batch id of a dispatch run's n-th batch for a subscriber (batches of a run sort together).</summary>
    public static string RunBatch(string run, int n) => $"{run}|{n:D4}";

    private static DeliveryBatch Read(TableEntity e) =>
        new(e.PartitionKey, e.RowKey, [.. HubJson.Deserialize<List<AlertDelivery>>(TableText.Read(e, "Data")).Select(d => d with { Subscription = e.PartitionKey })]) { Version = e.ETag };

    private static TableEntity Entity(DeliveryBatch b)
    {
        var e = new TableEntity(b.Subscription, b.Id)
        {
            ["Open"] = b.Deliveries.Count(d => AlertDeliveryStatus.IsOpen(d.Status)),
            ["Dead"] = b.Deliveries.Count(d => d.Status == AlertDeliveryStatus.Dead),
        };
        TableText.Write(e, "Data", HubJson.Serialize(b.Deliveries));
        return e;
    }

    private static int Size(TableEntity e) => e.Sum(p => p.Value is string s ? s.Length : 8) + 200;
}

/// <summary>An alert event's body as sent to every subscriber (the CloudEvent), and the dispatch run that fanned it out (none for a digest part).</summary>
public sealed record StoredAlertEvent(string AlertId, string EventId, string Body, string? Run);

/// <summary>
/// The body of every alert event sent to subscribers, stored once per event whatever the number of subscribers
/// (partition: the alert; row: the event), with the dispatch run that fanned it out (so an alert's deliveries can be
/// found). Bodies are kept in a bounded cache of this instance as well: the subscribers of an event read it once.
/// </summary>
public sealed class AlertEventStore(HubStorage storage)
{
    private const int CacheEntries = 20_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> cache = new(StringComparer.Ordinal);

    public async Task PutAsync(IReadOnlyList<StoredAlertEvent> events, CancellationToken cancellationToken) =>
        await Parallel.ForEachAsync(events, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (e, ct) =>
        {
            var entity = new TableEntity(TableKeys.Of(e.AlertId), TableKeys.Of(e.EventId)) { ["Run"] = e.Run };
            TableText.Write(entity, "Body", e.Body);
            await storage.AlertEvents.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct);
            Remember(e.EventId, e.Body);
        });

    /// <summary>An event's body; null when it is not stored.</summary>
    public async Task<string?> BodyAsync(string alertId, string eventId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(eventId, out var body)) return body;
        var row = await storage.AlertEvents.GetEntityIfExistsAsync<TableEntity>(TableKeys.Of(alertId), TableKeys.Of(eventId), cancellationToken: cancellationToken);
        if (!row.HasValue) return null;
        body = TableText.Read(row.Value!, "Body");
        Remember(eventId, body);
        return body;
    }

    /// <summary>The dispatch runs that fanned out the alert's events.</summary>
    public async Task<IReadOnlyList<string>> RunsOfAsync(string alertId, CancellationToken cancellationToken)
    {
        var runs = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var e in storage.AlertEvents.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Of(alertId)}"), select: ["Run"], cancellationToken: cancellationToken))
            if (e.GetString("Run") is { Length: > 0 } run) runs.Add(run);
        return [.. runs];
    }

    private void Remember(string eventId, string body)
    {
        if (cache.Count >= CacheEntries) cache.Clear();
        cache[eventId] = body;
    }
}
