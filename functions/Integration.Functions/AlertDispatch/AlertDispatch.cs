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
            if (events.Count == 0) continue;
            var bodies = events.ToDictionary(e => e.EventId, AlertSender.CloudEvent, StringComparer.Ordinal);
            // Each subscriber's share at once (its rows are a partition of their own: transactions of up to 100),
            // several subscribers side by side.
            await Parallel.ForEachAsync(subscribers, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (subscription, ct) =>
            {
                var now = time.GetUtcNow();
                var wanted = events.Where(e => Wants(subscription, e.Alert)).ToList();
                var later = subscription.Digest ? wanted.Where(e => !Serious(e.Alert)).ToList() : [];
                if (later.Count > 0) await digests.AddAsync(subscription.Id, later, ct);
                var immediate = wanted.Except(later).Select(e => new AlertDelivery(subscription.Id, e.EventId, e.Alert.Id, AlertDeliveryStatus.Pending, 0, now) { Event = bodies[e.EventId] }).ToList();
                if (immediate.Count > 0) Interlocked.Add(ref sent, await deliveries.StartAsync(subscription.Id, immediate, ct));
            });
            // The topic too, before the events go (if it fails, all of this is done again on the next run, and the
            // webhook deliveries already recorded are not recorded twice).
            await topic.PublishAsync(events, cancellationToken);
            await alerts.CompleteEventsAsync(kind, events, cancellationToken);
        }
        if (sent > 0) logger.LogInformation("Alert dispatch queued {Sent} deliveries", sent);
    }

    private bool Serious(Alert alert) => options.Value.SeriousSeverities.Contains(alert.Severity, StringComparer.Ordinal);

    private bool Wants(Subscription subscription, Alert alert) =>
        master.FindPartner(subscription.Owner)?.Partner is { } owner &&
        Alerts.Sees(owner, alert, master.Master) &&
        subscription.Filter.Matches(alert.Kind, alert.Rule, alert.Severity, alert.Jurisdiction, master.Master);
}
