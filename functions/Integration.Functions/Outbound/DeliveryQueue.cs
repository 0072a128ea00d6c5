using Integration.Domain;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Outbound;

/// <summary>The queue message of one alert event for one subscriber.</summary>
public sealed record AlertDeliveryMessage(string Subscription, string EventId);

/// <summary>The one way deliveries are recorded and handed to <see cref="DeliverAlert"/>: a delivery row, then its queue message.</summary>
public sealed class DeliveryQueue(AlertDeliveryStore deliveries, HubStorage storage, IOptions<QueueOptions> queues)
{
    /// <summary>
    /// Records a new delivery and sends its message. Recorded before: sent again only if it never got further than
    /// recorded (a crash before its message). Returns whether a message went.
    /// </summary>
    public async Task<bool> StartAsync(AlertDelivery delivery, CancellationToken cancellationToken)
    {
        if (!await deliveries.AddAsync(delivery, cancellationToken) &&
            (await deliveries.GetAsync(delivery.Subscription, delivery.EventId, cancellationToken))?.Status != AlertDeliveryStatus.Pending)
            return false;
        await SendAsync(delivery.Subscription, delivery.EventId, TimeSpan.Zero, cancellationToken);
        return true;
    }

    /// <summary>A message for an attempt after <paramref name="delay"/> (whole seconds, rounded up: never early).</summary>
    public Task SendAsync(string subscription, string eventId, TimeSpan delay, CancellationToken cancellationToken) =>
        storage.Queue(queues.Value.AlertDeliveries).SendMessageAsync(HubJson.Serialize(new AlertDeliveryMessage(subscription, eventId)),
            visibilityTimeout: TimeSpan.FromSeconds(Math.Ceiling(Math.Max(delay.TotalSeconds, 0))), cancellationToken: cancellationToken);
}
