using Azure;
using Azure.Core;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Storage;

namespace Integration.Functions.Outbound;

/// <summary>
/// Publishes every alert event to the Event Grid topic (CloudEvents 1.0 schema), when one is configured
/// (<c>Hub:Alerts:EventGridEndpoint</c>): with <c>Hub:Alerts:EventGridKey</c> if set (locally), else the app's managed
/// identity (in Azure; infra gives it EventGrid Data Sender on the topic). Azure services and partners can subscribe
/// to the topic; the hub's own webhooks do not depend on it.
/// </summary>
public sealed class AlertTopic
{
    private readonly EventGridPublisherClient? client;

    public AlertTopic(IConfiguration configuration, TokenCredential credential)
    {
        if (configuration["Hub:Alerts:EventGridEndpoint"] is not { Length: > 0 } endpoint) return;
        var uri = new Uri(endpoint);
        client = configuration["Hub:Alerts:EventGridKey"] is { Length: > 0 } key
            ? new EventGridPublisherClient(uri, new AzureKeyCredential(key))
            : new EventGridPublisherClient(uri, credential);
    }

    public bool Enabled => client is not null;

    /// <summary>An Event Grid publish request holds at most 1 MB of events: the batches stay below it.</summary>
    internal const int MaxBatchBytes = 900_000;

    /// <summary>The events as CloudEvents, in batches within the size Event Grid takes (ids as in the webhooks: stable per event).</summary>
    public async Task PublishAsync(IReadOnlyList<AlertEvent> events, CancellationToken cancellationToken)
    {
        if (client is null || events.Count == 0) return;
        var cloudEvents = events.Select(e =>
        {
            var data = HubJson.Serialize(e.Alert);
            var cloudEvent = new CloudEvent(AlertSender.EventSource, AlertSender.TypeOf(e), new BinaryData(data), "application/json", CloudEventDataFormat.Json)
            {
                Id = AlertSender.WebhookId(e.EventId),
                Subject = e.Alert.Id,
                Time = e.At,
            };
            cloudEvent.ExtensionAttributes["alertid"] = e.Alert.Id;
            cloudEvent.ExtensionAttributes["severity"] = e.Alert.Severity.Name();
            // Its size as sent (the SDK escapes what is not ASCII: six bytes a Chinese character).
            return (Event: cloudEvent, Bytes: System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(cloudEvent).Length + 2);
        });
        foreach (var batch in TableBatch.Chunk(cloudEvents, c => c.Bytes, int.MaxValue, MaxBatchBytes))
            await client.SendEventsAsync(batch.Select(c => c.Event), cancellationToken);
    }
}
