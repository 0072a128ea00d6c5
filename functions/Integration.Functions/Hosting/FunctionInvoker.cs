using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Alerts;
using Integration.Storage;

namespace Integration.Functions.Hosting;

/// <summary>What a function answers the host: the custom handler response (<c>Outputs</c>, <c>Logs</c>, <c>ReturnValue</c>).</summary>
public sealed record InvocationResult(bool Succeeded, IReadOnlyList<string> Logs)
{
    public JsonObject ToResponse() => new()
    {
        ["Outputs"] = new JsonObject(),
        ["Logs"] = new JsonArray([.. Logs.Select(l => (JsonNode)l)]),
        ["ReturnValue"] = null,
    };
}

/// <summary>
/// Runs a non-HTTP function from an invocation payload in the custom handler form
/// (<c>{"Data": {...}, "Metadata": {...}}</c>). Both hosts call this: the Functions host through
/// <c>POST /{FunctionName}</c>, the standalone host by building the same payload from the message or the timer.
/// </summary>
public sealed class FunctionInvoker(IServiceProvider services, FunctionCatalog catalog, AlertStore alerts, TimeProvider time, ILogger<FunctionInvoker> logger)
{
    /// <summary>The function classes of this app by name (the class name is the function name).</summary>
    public static IReadOnlyDictionary<string, Type> FunctionTypes { get; } = typeof(FunctionInvoker).Assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<QueueTriggerAttribute>() is not null || t.GetCustomAttribute<TimerTriggerAttribute>() is not null)
        .ToDictionary(t => t.Name, StringComparer.Ordinal);

    public bool IsInvocable(string name) => FunctionTypes.ContainsKey(name) && catalog.Functions.Any(f => f.Name == name);

    public async Task<InvocationResult> InvokeAsync(string name, JsonElement payload, CancellationToken cancellationToken)
    {
        var definition = catalog[name];
        var data = payload.TryGetProperty("Data", out var d) ? d : default;
        var metadata = payload.TryGetProperty("Metadata", out var m) ? m : default;
        await using var scope = services.CreateAsyncScope();
        var function = scope.ServiceProvider.GetRequiredService(FunctionTypes[name]);
        QueueInvocation? queueInvocation = null;
        try
        {
            switch (function)
            {
                case IQueueFunction queueFunction:
                    queueInvocation = new QueueInvocation(
                        MessageText(data, definition.BindingName), Long(metadata, "DequeueCount") ?? 1,
                        Text(metadata, "Id") ?? "", Instant(metadata, "InsertionTime"));
                    await queueFunction.RunAsync(queueInvocation, cancellationToken);
                    break;
                case ITimerFunction timerFunction:
                    var timer = data.ValueKind == JsonValueKind.Object && data.TryGetProperty(definition.BindingName, out var t) ? Unwrap(t) : default;
                    var status = timer.ValueKind == JsonValueKind.Object && timer.TryGetProperty("ScheduleStatus", out var s) ? s : default;
                    await timerFunction.RunAsync(new TimerInvocation(
                        Instant(status, "Next") ?? time.GetUtcNow(),
                        timer.ValueKind == JsonValueKind.Object && timer.TryGetProperty("IsPastDue", out var p) && p.ValueKind == JsonValueKind.True,
                        Instant(status, "Last")), cancellationToken);
                    break;
                default:
                    throw new InvalidOperationException($"{name} is not a queue or timer function.");
            }
            return new InvocationResult(true, [$"{name} succeeded."]);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested || e is not OperationCanceledException)
        {
            logger.LogError(e, "Function {Function} failed", name);
            if (queueInvocation is not null && queueInvocation.DequeueCount >= catalog.Queues.MaxDequeueCount)
                await RaisePoisonAlertAsync(definition, queueInvocation.MessageId, queueInvocation.DequeueCount, $"{e.GetType().Name}: {e.Message}");
            return new InvocationResult(false, [$"{name} failed: {e.GetType().Name}: {e.Message}"]);
        }
    }

    /// <summary>
    /// The last try failed: the host now moves the message to the poison queue. Operators are told once per message,
    /// with the command that replays it once the cause is fixed.
    /// </summary>
    public async Task RaisePoisonAlertAsync(FunctionDefinition definition, string messageId, long dequeueCount, string reason)
    {
        var queue = definition.QueueName!;
        logger.LogCritical("Message {MessageId} of queue {Queue} failed {Count} times and goes to {PoisonQueue}",
            messageId, queue, dequeueCount, HubStorage.PoisonQueueName(queue));
        try
        {
            await alerts.RaiseAsync(new Alert(
                $"operator:poison:{queue}:{messageId}", AlertKinds.Operator, Severity.High,
                $"Message moved to {HubStorage.PoisonQueueName(queue)}",
                $"{definition.Name} failed {dequeueCount} times ({reason}). " +
                $"The message is kept; once the cause is fixed, replay it: Integration.Functions replay-poison --queue {queue}",
                time.GetUtcNow())
            {
                Facts = new Dictionary<string, string> { ["queue"] = queue, ["messageId"] = messageId, ["function"] = definition.Name },
            }, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not store the poison alert for message {MessageId}", messageId);
        }
    }

    /// <summary>
    /// The message text. The host sends string data JSON-encoded once more (a JSON string holding the message), and
    /// JSON messages sometimes as objects; both come back as the message's own text.
    /// </summary>
    private static string MessageText(JsonElement data, string binding)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty(binding, out var value))
            throw new InvalidOperationException($"The invocation carries no '{binding}' data.");
        return value.ValueKind == JsonValueKind.String ? UnwrapString(value.GetString()!) : value.GetRawText();
    }

    private static string UnwrapString(string text)
    {
        if (text.Length >= 2 && text[0] == '"')
        {
            try { return JsonSerializer.Deserialize<string>(text) ?? text; }
            catch (JsonException) { }
        }
        return text;
    }

    private static JsonElement Unwrap(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? JsonDocument.Parse(UnwrapString(value.GetString()!)).RootElement : value;

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v.ValueKind == JsonValueKind.String ? UnwrapString(v.GetString()!) : v.GetRawText()
            : null;

    private static long? Long(JsonElement e, string name) =>
        long.TryParse(Text(e, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static DateTimeOffset? Instant(JsonElement e, string name) =>
        DateTimeOffset.TryParse(Text(e, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary>The payload the Functions host would send for a queue message.</summary>
    public static JsonElement QueuePayload(string binding, string message, long dequeueCount, string id, DateTimeOffset? insertedAt, DateTimeOffset now) =>
        JsonSerializer.SerializeToElement(new JsonObject
        {
            ["Data"] = new JsonObject { [binding] = JsonSerializer.Serialize(message) },
            ["Metadata"] = new JsonObject
            {
                ["DequeueCount"] = dequeueCount,
                ["Id"] = id,
                ["InsertionTime"] = insertedAt?.ToString("O", CultureInfo.InvariantCulture),
                ["sys"] = new JsonObject { ["MethodName"] = "QueueTrigger", ["UtcNow"] = now.ToString("O", CultureInfo.InvariantCulture) },
            },
        });

    /// <summary>The payload the Functions host would send for a timer firing.</summary>
    public static JsonElement TimerPayload(string binding, DateTimeOffset scheduledAt, DateTimeOffset? last, bool isPastDue, DateTimeOffset now) =>
        JsonSerializer.SerializeToElement(new JsonObject
        {
            ["Data"] = new JsonObject
            {
                [binding] = new JsonObject
                {
                    ["Schedule"] = new JsonObject { ["AdjustForDST"] = false },
                    ["ScheduleStatus"] = new JsonObject
                    {
                        ["Last"] = last?.ToString("O", CultureInfo.InvariantCulture),
                        ["Next"] = scheduledAt.ToString("O", CultureInfo.InvariantCulture),
                        ["LastUpdated"] = now.ToString("O", CultureInfo.InvariantCulture),
                    },
                    ["IsPastDue"] = isPastDue,
                },
            },
            ["Metadata"] = new JsonObject { ["sys"] = new JsonObject { ["MethodName"] = "TimerTrigger", ["UtcNow"] = now.ToString("O", CultureInfo.InvariantCulture) } },
        });
}
