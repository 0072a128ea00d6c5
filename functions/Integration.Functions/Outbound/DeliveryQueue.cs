using System.Text;
using Integration.Domain;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Outbound;

/// <summary>
/// The queue message of alert events for one subscriber: their deliveries as they stood when the message was sent
/// (attempts so far), with the bodies to send when they fit in the message (else read from the delivery rows).
/// </summary>
public sealed record AlertDeliveryMessage(string Subscription, IReadOnlyList<AlertDelivery> Deliveries);

/// <summary>
/// The one way deliveries are recorded and handed to <see cref="DeliverAlert"/>: delivery rows (transactions per
/// subscription), then messages carrying several deliveries each.
/// </summary>
public sealed class DeliveryQueue(AlertDeliveryStore deliveries, HubStorage storage, IOptions<QueueOptions> queues)
{
    /// <summary>Room for a message's JSON: a queue message holds at most 64 KiB.</summary>
    internal const int MaxMessageBytes = 48 * 1024;

    /// <summary>
    /// Records new deliveries for a subscriber and sends their messages. Recorded before: sent again only if they never
    /// got further than recorded (a crash before their message). Returns how many went.
    /// </summary>
    public async Task<int> StartAsync(string subscription, IReadOnlyList<AlertDelivery> fresh, CancellationToken cancellationToken)
    {
        var open = await deliveries.AddAsync(subscription, fresh, cancellationToken);
        await SendAsync(subscription, open, TimeSpan.Zero, cancellationToken);
        return open.Count;
    }

    /// <summary>Messages for attempts after <paramref name="delay"/> (whole seconds, rounded up: never early).</summary>
    public async Task SendAsync(string subscription, IReadOnlyList<AlertDelivery> items, TimeSpan delay, CancellationToken cancellationToken)
    {
        var queue = storage.Queue(queues.Value.AlertDeliveries);
        var visibility = TimeSpan.FromSeconds(Math.Ceiling(Math.Max(delay.TotalSeconds, 0)));
        foreach (var message in Messages(subscription, items))
            await queue.SendMessageAsync(message, visibilityTimeout: visibility, cancellationToken: cancellationToken);
    }

    /// <summary>The messages for the deliveries, each within <see cref="MaxMessageBytes"/>; a body too large to fit stays behind (read from its row).</summary>
    internal static IEnumerable<string> Messages(string subscription, IReadOnlyList<AlertDelivery> items) =>
        TableBatch.Chunk(
                items.Select(d => d with { Subscription = subscription, Event = d.Event is { } e && Encoding.UTF8.GetByteCount(e) * 2 < MaxMessageBytes ? e : null }),
                d => Encoding.UTF8.GetByteCount(HubJson.Serialize(d)) + 1, int.MaxValue, MaxMessageBytes - 200)
            .Select(chunk => HubJson.Serialize(new AlertDeliveryMessage(subscription, chunk)));
}
