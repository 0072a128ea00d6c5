using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Functions.Outbound;
using Integration.Functions.Hosting;
using Integration.Functions.Ingestion;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions;

/// <summary>
/// Fans alert changes out to the subscribers (every 5 seconds by default, <c>Hub:Alerts:DispatchSchedule</c>): each
/// change the alert store wrote to its outbox goes to every subscription whose owner may see the alert and whose filter
/// it passes, as a delivery row (insert-if-absent: once per subscriber) and a queue message for
/// <see cref="DeliverAlert"/> (or, for a subscription that takes a daily digest, to the digest unless the alert is
/// serious, see <see cref="AlertDigest"/>); every event is also published to the Event Grid topic when one is configured
/// (<see cref="AlertTopic"/>); then the outbox rows go. A crash in between fans out again, and what was recorded
/// already is not recorded twice.
/// </summary>
[TimerTrigger("%Hub:Alerts:DispatchSchedule%")]
public sealed class AlertDispatch(
    AlertStore alerts, SubscriptionStore subscriptions, DeliveryQueue deliveries, AlertDigestStore digests, AlertTopic topic,
    MasterDataCache master, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<AlertDispatch> logger) : ITimerFunction
{
    public async Task RunAsync(TimerInvocation invocation, CancellationToken cancellationToken)
    {
        var subscribers = await subscriptions.ListAsync(cancellationToken);
        var sent = 0;
        foreach (var kind in AlertKinds.All)
        {
            var events = await alerts.PendingEventsAsync(kind, 1000, cancellationToken);
            foreach (var e in events)
            {
                var body = AlertSender.CloudEvent(e);
                var serious = options.Value.SeriousSeverities.Contains(e.Alert.Severity, StringComparer.Ordinal);
                foreach (var subscription in subscribers.Where(s => Wants(s, e.Alert)))
                {
                    if (subscription.Digest && !serious)
                    {
                        await digests.AddAsync(subscription.Id, e, cancellationToken);
                        continue;
                    }
                    if (await deliveries.StartAsync(new AlertDelivery(subscription.Id, e.EventId, e.Alert.Id, AlertDeliveryStatus.Pending, 0, time.GetUtcNow()) { Event = body }, cancellationToken))
                        sent++;
                }
            }
            // The topic too, before the events go (if it fails, all of this is done again on the next run, and the
            // webhook deliveries already recorded are not recorded twice).
            await topic.PublishAsync(events, cancellationToken);
            foreach (var e in events) await alerts.CompleteEventAsync(e, cancellationToken);
        }
        if (sent > 0) logger.LogInformation("Alert dispatch queued {Sent} deliveries", sent);
    }

    private bool Wants(Subscription subscription, Alert alert) =>
        master.FindPartner(subscription.Owner)?.Partner is { } owner &&
        Alerts.Sees(owner, alert, master.Master) &&
        subscription.Filter.Matches(alert.Kind, alert.Rule, alert.Severity, alert.Jurisdiction, master.Master);
}
