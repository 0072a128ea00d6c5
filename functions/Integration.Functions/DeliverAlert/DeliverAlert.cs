using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Functions.Outbound;
using Integration.Functions.Hosting;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions;

/// <summary>
/// One attempt to deliver one alert event to one subscriber. On failure the delivery is tried again later (a new
/// message, hidden for the back-off of <see cref="DeliveryOptions.NextRetry"/>) until the retry budget is spent; then it
/// is dead: kept with its last error for the operators to inspect and replay. The message is only done once the next
/// one is sent, so a crash retries the attempt rather than dropping the delivery.
/// </summary>
[QueueTrigger("%Hub:Queues:AlertDeliveries%")]
public sealed class DeliverAlert(
    SubscriptionStore subscriptions, AlertDeliveryStore deliveries, AlertSender sender, DeliveryQueue queue, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<DeliverAlert> logger) : IQueueFunction
{
    public async Task RunAsync(QueueInvocation invocation, CancellationToken cancellationToken)
    {
        var message = HubJson.Deserialize<AlertDeliveryMessage>(invocation.Message);
        var delivery = await deliveries.GetAsync(message.Subscription, message.EventId, cancellationToken);
        if (delivery is null || delivery.Status is AlertDeliveryStatus.Delivered or AlertDeliveryStatus.Dead) return;
        if (await subscriptions.GetAsync(message.Subscription, cancellationToken) is not var (subscription, secret))
        {
            await deliveries.UpdateAsync(delivery with { Status = AlertDeliveryStatus.Dead, LastError = "subscription deleted" }, cancellationToken);
            return;
        }
        var now = time.GetUtcNow();
        if (await sender.WaitTurnAsync(subscription.Id, now, cancellationToken) is { } until)
        {
            // The endpoint just failed, or is busy with others: this delivery waits without an attempt, and frees the worker.
            await queue.SendAsync(message.Subscription, message.EventId, until - now, cancellationToken);
            return;
        }
        var error = await sender.SendAsync(subscription, secret, delivery.EventId, delivery.Event!, now, cancellationToken);
        var attempts = delivery.Attempts + 1;
        if (error is null)
        {
            await deliveries.UpdateAsync(delivery with { Status = AlertDeliveryStatus.Delivered, Attempts = attempts, DeliveredAt = time.GetUtcNow(), NextAttemptAt = null }, cancellationToken);
            return;
        }
        var first = delivery.Attempts == 0 ? now : delivery.FirstAttemptAt;
        if (options.Value.NextRetry(attempts, time.GetUtcNow() - first, Random.Shared) is not { } wait)
        {
            await deliveries.UpdateAsync(delivery with { Status = AlertDeliveryStatus.Dead, Attempts = attempts, FirstAttemptAt = first, LastError = error, NextAttemptAt = null }, cancellationToken);
            logger.LogWarning("Alert delivery {EventId} to subscription {Subscription} is dead after {Attempts} attempts: {Error}", delivery.EventId, subscription.Id, attempts, error);
            return;
        }
        await deliveries.UpdateAsync(delivery with
        {
            Status = AlertDeliveryStatus.Retrying, Attempts = attempts, FirstAttemptAt = first, LastError = error, NextAttemptAt = time.GetUtcNow() + wait,
        }, cancellationToken);
        await queue.SendAsync(message.Subscription, message.EventId, wait, cancellationToken);
    }
}
