using System.Text.Json.Nodes;
using Integration.Domain;
using Integration.Functions.Hosting;
using Integration.Functions.Outbound;
using Integration.Storage;

namespace Integration.Functions;

/// <summary>
/// The daily digest (<c>Hub:Alerts:DigestSchedule</c>, default 00:00 UTC, 08:00 China time): for each subscription
/// with events waiting, a <c>hub.alert.digest</c> CloudEvent whose data lists them (in parts when they are many), sent
/// and retried like any other delivery (<see cref="DeliverAlert"/>); then the events leave the digest. A part's id
/// follows from the events it holds, so a run repeated after a crash records the same delivery once.
/// </summary>
[TimerTrigger("%Hub:Alerts:DigestSchedule%")]
public sealed class AlertDigest(
    AlertDigestStore digests, AlertEventStore bodies, DeliveryQueue deliveries, TimeProvider time,
    ILogger<AlertDigest> logger) : ITimerFunction
{
    /// <summary>A digest's body stays within a table column (64 KiB, 32,768 characters): longer digests go in parts.</summary>
    internal const int MaxBodyChars = 30_000;

    /// <summary>What a digest delivery names as its alert.</summary>
    internal const string DigestAlertId = "digest";

    public async Task RunAsync(TimerInvocation invocation, CancellationToken cancellationToken)
    {
        foreach (var (subscription, events) in await digests.PendingAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            var parts = TableBatch.Chunk(events, e => HubJson.Serialize(e).Length + 2, int.MaxValue, MaxBodyChars - 1_000)
                .Select(part =>
                {
                    var eventId = $"digest:{subscription}:{part[0].EventId}:{part[^1].EventId}:{part.Count}";
                    var body = AlertSender.CloudEvent(eventId, "hub.alert.digest", SubscriptionKeys.IdOf(subscription), now, new JsonObject { ["events"] = JsonNode.Parse(HubJson.Serialize(part)) });
                    return new StoredAlertEvent(DigestAlertId, eventId, body, null);
                })
                .ToList();
            await bodies.PutAsync(parts, cancellationToken);
            // A part is a batch of its own (one delivery), named after its event.
            await deliveries.StartAsync(subscription, [.. parts.Select(p => new DeliveryBatch(subscription, "digest|" + AlertSender.WebhookId(p.EventId),
                [new AlertDelivery(subscription, p.EventId, DigestAlertId, AlertDeliveryStatus.Pending, 0, now)]))], cancellationToken);
            await digests.RemoveAsync(subscription, events, cancellationToken);
            logger.LogInformation("Daily digest of {Count} alert events queued for subscription {Subscription} ({Parts} parts)", events.Count, subscription, parts.Count);
        }
    }
}
