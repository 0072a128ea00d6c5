using System.Collections.Concurrent;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Functions.Outbound;
using Integration.Functions.Hosting;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions;

/// <summary>
/// One attempt at each delivery of a message (alert events for one subscriber), a few at a time. A delivery that fails
/// is tried again later (a new message, hidden for the back-off of <see cref="DeliveryOptions.NextRetry"/>) until the
/// retry budget is spent; then it is dead: kept with its last error for the operators to inspect and replay. Those that
/// must wait for the endpoint without an attempt (it just failed, or is busy) step aside into a message of their own.
/// The message is only done once the statuses are written and the next messages sent, so a crash retries the attempts
/// rather than dropping a delivery.
/// </summary>
[QueueTrigger("%Hub:Queues:AlertDeliveries%")]
public sealed class DeliverAlert(
    SubscriptionStore subscriptions, AlertDeliveryStore deliveries, AlertSender sender, DeliveryQueue queue, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<DeliverAlert> logger) : IQueueFunction
{
    public async Task RunAsync(QueueInvocation invocation, CancellationToken cancellationToken)
    {
        var message = HubJson.Deserialize<AlertDeliveryMessage>(invocation.Message);
        if (await subscriptions.GetAsync(message.Subscription, cancellationToken) is not var (subscription, secret))
        {
            await deliveries.UpdateAsync(message.Subscription, [.. message.Deliveries.Select(d => d with { Status = AlertDeliveryStatus.Dead, LastError = "subscription deleted" })], cancellationToken);
            return;
        }
        var done = new ConcurrentBag<AlertDelivery>();
        var waiting = new ConcurrentBag<(AlertDelivery Delivery, DateTimeOffset Until)>();
        var retries = new ConcurrentBag<(AlertDelivery Delivery, TimeSpan Wait)>();
        await Parallel.ForEachAsync(message.Deliveries, new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxInFlight, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            var delivery = item.Event is null ? await deliveries.GetAsync(subscription.Id, item.EventId, ct) is { } row ? item with { Event = row.Event } : null : item;
            if (delivery?.Event is null) return; // gone with its subscription's rows
            var now = time.GetUtcNow();
            if (await sender.WaitTurnAsync(subscription.Id, now, ct) is { } until)
            {
                waiting.Add((delivery, until));
                return;
            }
            var error = await sender.SendAsync(subscription, secret, delivery.EventId, delivery.Event, now, ct);
            var attempts = delivery.Attempts + 1;
            var first = delivery.Attempts == 0 ? now : delivery.FirstAttemptAt;
            if (error is null)
                done.Add(delivery with { Status = AlertDeliveryStatus.Delivered, Attempts = attempts, FirstAttemptAt = first, DeliveredAt = time.GetUtcNow(), NextAttemptAt = null, LastError = null });
            else if (options.Value.NextRetry(attempts, time.GetUtcNow() - first, Random.Shared) is { } wait)
                retries.Add((delivery with { Status = AlertDeliveryStatus.Retrying, Attempts = attempts, FirstAttemptAt = first, LastError = error, NextAttemptAt = time.GetUtcNow() + wait }, wait));
            else
            {
                done.Add(delivery with { Status = AlertDeliveryStatus.Dead, Attempts = attempts, FirstAttemptAt = first, LastError = error, NextAttemptAt = null });
                logger.LogWarning("Alert delivery {EventId} to subscription {Subscription} is dead after {Attempts} attempts: {Error}", delivery.EventId, subscription.Id, attempts, error);
            }
        });
        // Statuses first (without the bodies), then the messages of what comes next.
        await deliveries.UpdateAsync(subscription.Id, [.. done, .. retries.Select(r => r.Delivery)], cancellationToken);
        var now = time.GetUtcNow();
        if (!waiting.IsEmpty)
            await queue.SendAsync(subscription.Id, [.. waiting.Select(w => w.Delivery)], waiting.Min(w => w.Until) - now, cancellationToken);
        foreach (var group in retries.GroupBy(r => r.Delivery.Attempts))
            await queue.SendAsync(subscription.Id, [.. group.Select(r => r.Delivery)], group.Min(r => r.Wait), cancellationToken);
    }
}
