using System.Text.Json;
using System.Text.RegularExpressions;

namespace Integration.Functions.Hosting;

/// <summary>One function of the app as its function.json describes it.</summary>
public sealed record FunctionDefinition(string Name, string TriggerType, string BindingName)
{
    public string? QueueName { get; init; }
    public string? Schedule { get; init; }
    public string? Route { get; init; }
    public IReadOnlyList<string> Methods { get; init; } = [];
}

/// <summary>The queue trigger settings of host.json (extensions.queues), with the Functions defaults.</summary>
public sealed record QueueHostSettings(int BatchSize, int NewBatchThreshold, TimeSpan MaxPollingInterval, TimeSpan VisibilityTimeout, int MaxDequeueCount);

/// <summary>
/// The app as the Functions host sees it: host.json and one folder per function holding its function.json. The
/// standalone host reads the same files, so both hosts run the same functions with the same settings.
/// </summary>
public sealed partial class FunctionCatalog
{
    private FunctionCatalog(QueueHostSettings queues, IReadOnlyList<FunctionDefinition> functions)
    {
        Queues = queues;
        Functions = functions;
    }

    public QueueHostSettings Queues { get; }
    public IReadOnlyList<FunctionDefinition> Functions { get; }

    public FunctionDefinition this[string name] => Functions.Single(f => f.Name == name);

    /// <summary>Reads host.json and */function.json under <paramref name="root"/>, resolving %setting% expressions.</summary>
    public static FunctionCatalog Load(string root, Func<string, string?> setting)
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "host.json")));
        var queues = host.RootElement.TryGetProperty("extensions", out var ext) && ext.TryGetProperty("queues", out var q) ? q : default;
        var settings = new QueueHostSettings(
            Int(queues, "batchSize", 16), Int(queues, "newBatchThreshold", 8),
            Span(queues, "maxPollingInterval", TimeSpan.FromMinutes(1)), Span(queues, "visibilityTimeout", TimeSpan.Zero),
            Int(queues, "maxDequeueCount", 5));

        var functions = new List<FunctionDefinition>();
        foreach (var file in Directory.GetFiles(root, "function.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (Path.GetDirectoryName(Path.GetDirectoryName(file)) != Path.TrimEndingDirectorySeparator(root)) continue;
            var name = Path.GetFileName(Path.GetDirectoryName(file)!);
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var trigger = doc.RootElement.GetProperty("bindings").EnumerateArray()
                .Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            functions.Add(new FunctionDefinition(name, trigger.GetProperty("type").GetString()!, trigger.GetProperty("name").GetString()!)
            {
                QueueName = trigger.TryGetProperty("queueName", out var queue) ? Resolve(queue.GetString()!, setting) : null,
                Schedule = trigger.TryGetProperty("schedule", out var schedule) ? Resolve(schedule.GetString()!, setting) : null,
                Route = trigger.TryGetProperty("route", out var route) ? route.GetString() : null,
                Methods = trigger.TryGetProperty("methods", out var methods) ? [.. methods.EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant())] : [],
            });
        }
        return new FunctionCatalog(settings, functions);
    }

    /// <summary>Replaces each %name% by the setting's value, as the Functions host does for binding expressions.</summary>
    public static string Resolve(string expression, Func<string, string?> setting) =>
        SettingPattern().Replace(expression, m => setting(m.Groups[1].Value)
            ?? throw new InvalidOperationException($"The setting '{m.Groups[1].Value}' used in a binding is not configured."));

    private static int Int(JsonElement e, string name, int fallback) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v.GetInt32() : fallback;

    private static TimeSpan Span(JsonElement e, string name, TimeSpan fallback) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? TimeSpan.Parse(v.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingPattern();
}
