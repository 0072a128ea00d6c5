using System.Net;

namespace Integration.Tests.EndToEnd;

/// <summary>Operators see the hub run: metrics and structured logs through OpenTelemetry (console here, Azure Monitor in Azure).</summary>
public sealed class TelemetryTests(HubFixture fixture)
{
    [Fact]
    public async Task ConsoleExporter_ShowsRequestsItemsQueueDepthAndLagPerFeed()
    {
        // A world of its own: its one hub processes what it takes in, so that the processing metrics are its own.
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?> { ["Hub__Telemetry__Console"] = "true", ["Hub__Telemetry__ExportInterval"] = "00:00:01" });
        var samples = new Samples(world);
        var hub = world.Hub;
        var client = world.Client(samples.Hospital.Code, hub);
        using var response = await client.PostJsonAsync("/api/v1/orders", Samples.Items(samples.OrderLine(Samples.Unique("PO"))));
        var requestId = (await Samples.Expect(response, HttpStatusCode.Accepted))["requestId"]!.GetValue<string>();
        await world.WaitProcessedAsync(client, requestId);
        using var rejected = await client.PostJsonAsync("/api/v1/orders", Samples.Items(samples.OrderLine(Samples.Unique("PO"), quantity: -1)));

        string[] expected = ["hub.requests", "hub.items", "hub.items.processed", "hub.processing.lag", "hub.queue.depth", "hub.queue.poison", "outcome: rejected", $"partner: {client.PartnerId}", "feed: orders"];
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (expected.Any(e => !hub.Output.Contains(e, StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        Assert.All(expected, e => Assert.Contains(e, hub.Output));
        Assert.Contains($"Accepted {{Count}} {{Feed}} from {{PartnerId}} as {{RequestId}}", hub.Output);
    }
}
