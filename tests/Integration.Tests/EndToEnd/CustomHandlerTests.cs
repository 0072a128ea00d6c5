using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues.Models;
using Integration.Domain.Feeds;
using Integration.Storage;

namespace Integration.Tests.EndToEnd;

/// <summary>
/// The hub under the Azure Functions host: HTTP requests forwarded as they are, and each queue or timer invocation
/// posted to <c>/{FunctionName}</c> as <c>{"Data", "Metadata"}</c>, answered with <c>{"Outputs", "Logs", "ReturnValue"}</c>
/// and a non-2xx status when the function fails. No trigger loop runs in this mode.
/// </summary>
public sealed class CustomHandlerTests(HubFixture fixture) : IAsyncLifetime
{
    private World world = null!;
    private HubProcess handler = null!;
    private Samples samples = null!;

    public async ValueTask InitializeAsync()
    {
        world = await fixture.NewWorldAsync();
        world.Hub.Kill();
        handler = await world.StartHubAsync(customHandler: true);
        samples = new Samples(world);
    }

    public async ValueTask DisposeAsync() => await world.DisposeAsync();

    /// <summary>Takes the next message off the queue the way the Functions host does, and builds its invocation payload.</summary>
    private async Task<(QueueMessage Message, JsonObject Payload)> NextInvocationAsync(bool encodeTwice = true)
    {
        QueueMessage[] messages;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            messages = (await world.Storage.Queue(world.Queue).ReceiveMessagesAsync(1, TimeSpan.FromMinutes(1))).Value;
            Assert.True(DateTime.UtcNow < deadline, "No message arrived.");
        }
        while (messages.Length == 0);
        var message = messages[0];
        var text = message.Body.ToString();
        return (message, new JsonObject
        {
            ["Data"] = new JsonObject { ["message"] = encodeTwice ? JsonSerializer.Serialize(text) : text },
            ["Metadata"] = new JsonObject
            {
                ["DequeueCount"] = message.DequeueCount,
                ["Id"] = message.MessageId,
                ["InsertionTime"] = message.InsertedOn?.ToString("O"),
                ["sys"] = new JsonObject { ["MethodName"] = "ProcessIngest", ["UtcNow"] = DateTime.UtcNow.ToString("O") },
            },
        });
    }

    [Fact]
    public async Task QueueInvocation_ProcessesTheForwardedRequest_AndAnswersOutputsAndLogs()
    {
        var orderId = Samples.Unique("PO");
        var client = world.Client(samples.Hospital.Code, handler);
        using var accepted = await client.PostJsonAsync("/api/v1/orders", Samples.Items(samples.OrderLine(orderId)));
        await Samples.Expect(accepted, HttpStatusCode.Accepted);
        await Task.Delay(1000);
        Assert.Equal(1, (await world.QueueDepthsAsync()).Waiting);

        var (_, payload) = await NextInvocationAsync();
        using var response = await handler.Http.PostAsJsonAsync("/ProcessIngest", payload);
        var answer = await Samples.Expect(response, HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Object, answer["Outputs"]!.GetValueKind());
        Assert.Contains("ProcessIngest succeeded.", answer["Logs"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.True(answer.AsObject().ContainsKey("ReturnValue"));
        Assert.NotNull(await new RecordStore(world.Storage).GetAsync(FeedKind.Orders, samples.Hospital.Code, $"order|{orderId}|1", default));
    }

    [Fact]
    public async Task QueueInvocation_MessageNotEncodedTwice_IsReadToo()
    {
        var orderId = Samples.Unique("PO");
        using var accepted = await world.Client(samples.Hospital.Code, handler).PostJsonAsync("/api/v1/orders", Samples.Items(samples.OrderLine(orderId)));
        await Samples.Expect(accepted, HttpStatusCode.Accepted);
        var (_, payload) = await NextInvocationAsync(encodeTwice: false);
        using var response = await handler.Http.PostAsJsonAsync("/ProcessIngest", payload);
        await Samples.Expect(response, HttpStatusCode.OK);
        Assert.NotNull(await new RecordStore(world.Storage).GetAsync(FeedKind.Orders, samples.Hospital.Code, $"order|{orderId}|1", default));
    }

    [Fact]
    public async Task QueueInvocation_FunctionFails_AnswersNon2xxWithTheReasonInLogs_LastTryRaisesTheAlert()
    {
        var message = JsonSerializer.Serialize(JsonSerializer.Serialize(new { partnerId = "p", requestId = "r", blob = "orders/p/missing" }));
        JsonObject Payload(int dequeueCount) => new()
        {
            ["Data"] = new JsonObject { ["message"] = JsonNode.Parse(message) },
            ["Metadata"] = new JsonObject { ["DequeueCount"] = dequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Id"] = "msg-failing" },
        };
        using var first = await handler.Http.PostAsJsonAsync("/ProcessIngest", Payload(1));
        var answer = await Samples.Expect(first, HttpStatusCode.InternalServerError);
        Assert.Contains("ProcessIngest failed", answer["Logs"]![0]!.GetValue<string>());
        // Not before the last try (the hub's other operator alerts, such as next year's missing calendar, are not counted).
        using (var alerts = await world.Admin(handler).GetAsync("/api/v1/alerts"))
            Assert.DoesNotContain((await Samples.Expect(alerts, HttpStatusCode.OK))["items"]!.AsArray(), a => a!["id"]!.GetValue<string>().StartsWith("operator:poison:", StringComparison.Ordinal));

        using var last = await handler.Http.PostAsJsonAsync("/ProcessIngest", Payload(5));
        await Samples.Expect(last, HttpStatusCode.InternalServerError);
        using (var alerts = await world.Admin(handler).GetAsync("/api/v1/alerts"))
            Assert.Contains((await Samples.Expect(alerts, HttpStatusCode.OK))["items"]!.AsArray(), a => a!["id"]!.GetValue<string>() == $"operator:poison:{world.Queue}:msg-failing");
    }

    [Fact]
    public async Task TimerInvocation_RunsTheTimerFunction()
    {
        var payload = new JsonObject
        {
            ["Data"] = new JsonObject
            {
                ["timer"] = new JsonObject
                {
                    ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
                    ["ScheduleStatus"] = new JsonObject { ["Last"] = DateTime.UtcNow.AddMinutes(-5).ToString("O"), ["Next"] = DateTime.UtcNow.ToString("O"), ["LastUpdated"] = DateTime.UtcNow.ToString("O") },
                    ["IsPastDue"] = false,
                },
            },
            ["Metadata"] = new JsonObject(),
        };
        using var response = await handler.Http.PostAsJsonAsync("/PoisonWatch", payload);
        Assert.Contains("PoisonWatch succeeded.", (await Samples.Expect(response, HttpStatusCode.OK))["Logs"]!.AsArray().Select(l => l!.GetValue<string>()));
    }

    [Fact]
    public async Task UnknownFunction_Is404_AndStandaloneHubsDoNotExposeInvocations()
    {
        using var unknown = await handler.Http.PostAsJsonAsync("/NoSuchFunction", new JsonObject());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var standalone = await fixture.World.Hub.Http.PostAsJsonAsync("/ProcessIngest", new JsonObject());
        Assert.Equal(HttpStatusCode.NotFound, standalone.StatusCode);
    }

    [Fact]
    public async Task NoTriggerLoop_RunsUnderTheFunctionsHost()
    {
        using var accepted = await world.Client(samples.Hospital.Code, handler).PostJsonAsync("/api/v1/orders", Samples.Items(samples.OrderLine(Samples.Unique("PO"))));
        await Samples.Expect(accepted, HttpStatusCode.Accepted);
        await Task.Delay(3000);
        Assert.True((await world.QueueDepthsAsync()).Waiting >= 1);
    }
}
