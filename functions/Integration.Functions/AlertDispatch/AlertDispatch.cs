using Integration.Domain.Alerts;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Functions.Ingestion;
using Integration.Functions.Outbound;
using Integration.Orchestrations;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions;

/// <summary>
/// Fans alert changes out to the subscribers (every 5 seconds by default, <c>Hub:Alerts:DispatchSchedule</c>), a run
/// of up to <see cref="MaxPerRun"/> changes at a time, until none waits. A run's set of changes is fixed when it starts
/// (<see cref="AlertStore.NextRunAsync"/>); their bodies are stored once (<see cref="AlertEventStore"/>); each
/// subscription whose owner may see an alert and whose filter it passes gets its share as batches of deliveries
/// (insert-if-absent) with a queue message each for <see cref="DeliverAlert"/> (or, for a subscription that takes a
/// daily digest, the digest unless the alert is serious, see <see cref="AlertDigest"/>); every change is also published
/// to the Event Grid topic when one is configured (<see cref="AlertTopic"/>); the cases the changes open are opened
/// (<see cref="AutoCaseOpener"/>); then the run ends and its changes leave
/// the outbox. A crash in between does the run again, and what was recorded already is not recorded twice.
/// </summary>
[TimerTrigger("%Hub:Alerts:DispatchSchedule%")]
public sealed class AlertDispatch(
    AlertStore alerts, AlertEventStore events, SubscriptionStore subscriptions, DeliveryQueue deliveries, AlertDigestStore digests, AlertTopic topic,
    AutoCaseOpener cases, MasterDataCache master, IOptions<DeliveryOptions> options, FaultInjection faults, TimeProvider time, ILogger<AlertDispatch> logger) : ITimerFunction
{
    /// <summary>Alert changes fanned out together at most.</summary>
    public const int MaxPerRun = 1000;

    public async Task RunAsync(TimerInvocation invocation, CancellationToken cancellationToken)
    {
        var subscribers = await subscriptions.ListAsync(cancellationToken);
        var sent = 0;
        foreach (var kind in AlertKinds.All)
        {
            while (await alerts.NextRunAsync(kind, MaxPerRun, time.GetUtcNow(), cancellationToken) is { } run)
            {
                sent += await FanOutAsync(run, subscribers, cancellationToken);
                await faults.AtAsync("alerts.fannedout", cancellationToken);
                // The topic too, before the run ends (if it fails, the run is done again, and the webhook deliveries
                // already recorded are not recorded twice).
                await topic.PublishAsync(run.Events, cancellationToken);
                // The cases the changes open (R27: where the notices say an explanation is due), before the run ends too.
                await cases.OpenAsync(run.Events, cancellationToken);
                await alerts.CompleteRunAsync(run, cancellationToken);
                if (run.Events.Count < MaxPerRun) break;
            }
        }
        if (sent > 0) logger.LogInformation("Alert dispatch queued {Sent} deliveries", sent);
    }

    private async Task<int> FanOutAsync(DispatchRun run, IReadOnlyList<Subscription> subscribers, CancellationToken cancellationToken)
    {
        await events.PutAsync([.. run.Events.Select(e => new StoredAlertEvent(e.Alert.Id, e.EventId, AlertSender.CloudEvent(e), run.Id))], cancellationToken);
        var sent = 0;
        // Each subscriber's share at once (its rows are a partition of their own), several subscribers side by side.
        await Parallel.ForEachAsync(subscribers, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (subscription, ct) =>
        {
            var now = time.GetUtcNow();
            var wanted = run.Events.Where(e => Wants(subscription, e.Alert)).ToList();
            var later = subscription.Digest ? wanted.Where(e => !Serious(e.Alert)).ToList() : [];
            if (later.Count > 0) await digests.AddAsync(subscription.Key, later, ct);
            var immediate = wanted.Except(later).Select(e => new AlertDelivery(subscription.Key, e.EventId, e.Alert.Id, AlertDeliveryStatus.Pending, 0, now)).ToList();
            if (immediate.Count > 0) Interlocked.Add(ref sent, await deliveries.StartAsync(subscription.Key, DeliveryQueue.Batches(subscription.Key, run.Id, immediate), ct));
        });
        return sent;
    }

    private bool Serious(Alert alert) => options.Value.SeriousSeverities.Contains(alert.Severity);

    private bool Wants(Subscription subscription, Alert alert) =>
        master.FindPartner(subscription.Owner)?.Partner is { } owner &&
        Scopes.Sees(owner, alert, master.Master) &&
        subscription.Filter.Matches(alert.Kind, alert.Rule, alert.Severity, alert.Jurisdiction, master.Master);
}
