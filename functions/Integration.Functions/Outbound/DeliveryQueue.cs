using Integration.Domain;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Outbound;

/// <summary>The queue message for <see cref="DeliverAlert"/>: deliveries of one batch of one subscriber to attempt (by event id).</summary>
public sealed record AlertDeliveryMessage(string Subscription, string Batch, IReadOnlyList<string> Events);

/// <summary>
/// The one way deliveries are recorded and handed to <see cref="DeliverAlert"/>: batches of a subscriber's deliveries
/// (a row each, transactions per subscription), then a message per batch naming its deliveries.
/// </summary>
public sealed class DeliveryQueue(AlertDeliveryStore deliveries, HubStorage storage, IOptions<QueueOptions> queues)
{
    /// <summary>The bytes of event ids one batch's message may hold (a queue message holds at most 64 KiB).</summary>
    internal const int MaxMessageIdBytes = 40_000;

    /// <summary>A dispatch run's deliveries to one subscriber, in order, as batches of that run.</summary>
    public static IReadOnlyList<DeliveryBatch> Batches(string subscription, string run, IReadOnlyList<AlertDelivery> items) =>
        [.. TableBatch.Chunk(items, d => System.Text.Encoding.UTF8.GetByteCount(d.EventId) + 3, AlertDeliveryStore.MaxPerBatch, MaxMessageIdBytes)
            .Select((chunk, n) => new DeliveryBatch(subscription, AlertDeliveryStore.RunBatch(run, n), chunk))];

    /// <summary>
    /// Records new batches for a subscriber and sends their messages. Recorded before: sent again only if never
    /// attempted (a crash before their message). Returns how many deliveries went.
    /// </summary>
    public async Task<int> StartAsync(string subscription, IReadOnlyList<DeliveryBatch> batches, CancellationToken cancellationToken)
    {
        var open = await deliveries.AddAsync(subscription, batches, cancellationToken);
        foreach (var batch in open)
            await SendAsync(subscription, batch.Id, [.. batch.Deliveries.Select(d => d.EventId)], TimeSpan.Zero, cancellationToken);
        return open.Sum(b => b.Deliveries.Count);
    }

    /// <summary>A message for attempts on a batch's deliveries after <paramref name="delay"/> (whole seconds, rounded up: never early).</summary>
    public async Task SendAsync(string subscription, string batch, IReadOnlyList<string> events, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (events.Count == 0) return;
        var visibility = TimeSpan.FromSeconds(Math.Ceiling(Math.Max(delay.TotalSeconds, 0)));
        await storage.Queue(queues.Value.AlertDeliveries).SendMessageAsync(HubJson.Serialize(new AlertDeliveryMessage(subscription, batch, events)), visibilityTimeout: visibility, cancellationToken: cancellationToken);
    }
}
