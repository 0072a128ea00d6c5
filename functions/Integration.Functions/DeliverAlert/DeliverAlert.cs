using System.Collections.Concurrent;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Functions.Hosting;
using Integration.Functions.Outbound;
using Integration.Functions.Telemetry;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions;

/// <summary>
/// One attempt at each delivery a message names (alert events of one batch of one subscriber), a few at a time. A
/// delivery that fails is tried again later (a new message, hidden for the back-off of
/// <see cref="DeliveryOptions.NextRetry"/>) until the retry budget is spent; then it is dead: kept with its last error
/// for the operators to inspect and replay. Those that must wait for the endpoint without an attempt (it just failed,
/// or is busy) step aside into a message of their own. The message is only done once the statuses are written and the
/// next messages sent, so a crash retries the attempts rather than dropping a delivery; a message seen twice sends
/// nothing that was delivered since.
/// </summary>
[QueueTrigger("%Hub:Queues:AlertDeliveries%")]
public sealed class DeliverAlert(
    SubscriptionStore subscriptions, AlertDeliveryStore deliveries, AlertEventStore events, AlertSender sender, DeliveryQueue queue, AlertStore alerts, HubMetrics metrics,
    IOptions<DeliveryOptions> options, TimeProvider time, Random random, ILogger<DeliverAlert> logger) : IQueueFunction
{
    public async Task RunAsync(QueueInvocation invocation, CancellationToken cancellationToken)
    {
        var message = HubJson.Deserialize<AlertDeliveryMessage>(invocation.Message);
        var named = message.Events.ToHashSet(StringComparer.Ordinal);
        if (await deliveries.GetAsync(message.Subscription, message.Batch, cancellationToken) is not { } batch) return;
        // Delivered and dead ones are done (a dead one is sent again only once a replay has made it pending).
        var todo = batch.Deliveries.Where(d => named.Contains(d.EventId) && AlertDeliveryStatus.IsOpen(d.Status)).ToList();
        if (todo.Count == 0) return;
        if (await subscriptions.GetAsync(message.Subscription, cancellationToken) is not var (subscription, secret))
        {
            await deliveries.ChangeAsync(message.Subscription, batch.Id, [.. todo.Select(d => new DeliveryChange(d, d with { Status = AlertDeliveryStatus.Dead, NextAttemptAt = null, LastError = "subscription deleted" }))], cancellationToken, batch);
            return;
        }
        var changes = new ConcurrentBag<DeliveryChange>();
        var waiting = new ConcurrentBag<(AlertDelivery Delivery, DateTimeOffset Until)>();
        var retries = new ConcurrentBag<(AlertDelivery Delivery, TimeSpan Wait)>();
        await Parallel.ForEachAsync(todo, new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxInFlight, CancellationToken = cancellationToken }, async (delivery, ct) =>
        {
            if (await events.BodyAsync(delivery.AlertId, delivery.EventId, ct) is not { } body)
            {
                changes.Add(new DeliveryChange(delivery, delivery with { Status = AlertDeliveryStatus.Dead, NextAttemptAt = null, LastError = "event body not found" }));
                return;
            }
            var now = time.GetUtcNow();
            if (await sender.WaitTurnAsync(subscription.Key, now, ct) is { } until)
            {
                waiting.Add((delivery, until));
                return;
            }
            var error = await sender.SendAsync(subscription, secret, delivery.EventId, body, now, ct);
            var attempts = delivery.Attempts + 1;
            var first = delivery.Attempts == 0 ? now : delivery.FirstAttemptAt;
            AlertDelivery after;
            if (error is null)
                after = delivery with { Status = AlertDeliveryStatus.Delivered, Attempts = attempts, FirstAttemptAt = first, DeliveredAt = time.GetUtcNow(), NextAttemptAt = null, LastError = null };
            else if (options.Value.NextRetry(attempts, time.GetUtcNow() - first, random) is { } wait)
            {
                after = delivery with { Status = AlertDeliveryStatus.Retrying, Attempts = attempts, FirstAttemptAt = first, LastError = error, NextAttemptAt = time.GetUtcNow() + wait };
                retries.Add((after, wait));
            }
            else
            {
                after = delivery with { Status = AlertDeliveryStatus.Dead, Attempts = attempts, FirstAttemptAt = first, LastError = error, NextAttemptAt = null };
                logger.LogWarning("Alert delivery {EventId} to subscription {Subscription} is dead after {Attempts} attempts: {Error}", delivery.EventId, subscription.Key, attempts, error);
            }
            changes.Add(new DeliveryChange(delivery, after));
        });
        // Statuses first (one write of the batch's row), then the messages of what comes next.
        var made = await deliveries.ChangeAsync(subscription.Key, batch.Id, [.. changes], cancellationToken, batch);
        if (made.Count(d => d.Status == AlertDeliveryStatus.Dead) is var dead and > 0) await DeadLetteredAsync(subscription, dead, cancellationToken);
        var now = time.GetUtcNow();
        if (!waiting.IsEmpty)
            await queue.SendAsync(subscription.Key, batch.Id, [.. waiting.Select(w => w.Delivery.EventId)], waiting.Min(w => w.Until) - now, cancellationToken);
        foreach (var group in retries.GroupBy(r => r.Delivery.Attempts))
            await queue.SendAsync(subscription.Key, batch.Id, [.. group.Select(r => r.Delivery.EventId)], group.Min(r => r.Wait), cancellationToken);
    }

    /// <summary>Deliveries gone dead are counted (<c>hub.alerts.deadletter</c>) and told to the operators, once a day per subscription.</summary>
    private async Task DeadLetteredAsync(Subscription subscription, int count, CancellationToken cancellationToken)
    {
        metrics.DeadLettered(subscription.Key, count);
        var now = time.GetUtcNow();
        // For the provincial centre only (an operator alert without a party): it names the owner and the owner's id.
        var owner = Uri.EscapeDataString(subscription.Owner);
        await alerts.RaiseAsync(new Alert(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"operator:alert-deadletter:{subscription.Owner}:{subscription.Id}:{now:yyyy-MM-dd}"), AlertKinds.Operator, Severity.High,
            $"Alert deliveries to subscription {subscription.Id} of {subscription.Owner} are dead",
            $"Deliveries to {subscription.Endpoint.Host} failed until their retry budget was spent. See GET /api/v1/subscriptions/{subscription.Id}/deliveries?status=dead&owner={owner}, " +
            $"fix the endpoint, then POST /api/v1/subscriptions/{subscription.Id}/replay?owner={owner}.", now)
        {
            Facts = new Dictionary<string, string> { ["subscription"] = subscription.Id, ["owner"] = subscription.Owner },
        }, cancellationToken);
    }
}
