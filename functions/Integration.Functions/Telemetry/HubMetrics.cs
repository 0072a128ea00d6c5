using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Integration.Functions.Telemetry;

/// <summary>
/// The hub's own metrics (meter <c>Integration.Hub</c>), exported through OpenTelemetry: requests and items accepted
/// or rejected per partner and feed, items written, processing lag, queue depth and poison count, alert deliveries gone dead.
/// </summary>
public sealed class HubMetrics : IDisposable
{
    public const string MeterName = "Integration.Hub";

    private readonly Meter meter = new(MeterName);
    private readonly Counter<long> requests;
    private readonly Counter<long> items;
    private readonly Counter<long> processed;
    private readonly Histogram<double> lag;
    private readonly Histogram<double> timerLateness;
    private readonly Counter<long> deadLetters;
    private readonly List<double> recentLateness = [];
    private volatile IReadOnlyList<QueueDepth> depths = [];

    public HubMetrics()
    {
        requests = meter.CreateCounter<long>("hub.requests", "{request}", "Write requests by partner, feed and outcome.");
        items = meter.CreateCounter<long>("hub.items", "{item}", "Feed items by partner, feed and outcome (accepted, rejected).");
        processed = meter.CreateCounter<long>("hub.items.processed", "{item}", "Feed items written to tables, or skipped as already there.");
        lag = meter.CreateHistogram<double>("hub.processing.lag", "s", "From a request's acceptance to the end of its processing.");
        timerLateness = meter.CreateHistogram<double>("hub.timer.lateness", "s", "From an orchestration timer's due time to its firing.");
        deadLetters = meter.CreateCounter<long>("hub.alerts.deadletter", "{delivery}", "Alert deliveries that went dead (their retry budget spent), by subscription.");
        meter.CreateObservableGauge("hub.queue.depth", () => depths.Select(d => new Measurement<long>(d.Messages, new KeyValuePair<string, object?>("queue", d.Queue))), "{message}", "Messages waiting in each queue.");
        meter.CreateObservableGauge("hub.queue.poison", () => depths.Select(d => new Measurement<long>(d.Poison, new KeyValuePair<string, object?>("queue", d.Queue))), "{message}", "Messages in each poison queue.");
    }

    public void Request(string partner, string feed, string outcome, int itemCount)
    {
        var tags = new TagList { { "partner", partner }, { "feed", feed }, { "outcome", outcome } };
        requests.Add(1, tags);
        if (itemCount > 0) items.Add(itemCount, tags);
    }

    public void Processed(string feed, int written, int skipped, TimeSpan sinceAccepted)
    {
        processed.Add(written, new TagList { { "feed", feed }, { "outcome", "written" } });
        if (skipped > 0) processed.Add(skipped, new TagList { { "feed", feed }, { "outcome", "skipped" } });
        lag.Record(sinceAccepted.TotalSeconds, new TagList { { "feed", feed } });
    }

    public void TimerFired(string orchestration, TimeSpan lateness)
    {
        timerLateness.Record(lateness.TotalSeconds, new TagList { { "orchestration", orchestration } });
        lock (recentLateness)
        {
            if (recentLateness.Count >= 100_000) recentLateness.RemoveRange(0, 50_000);
            recentLateness.Add(lateness.TotalSeconds);
        }
    }

    /// <summary>Timers fired by this instance (the last 100,000 at most) and their lateness percentiles, in seconds.</summary>
    public (int Count, double P50, double P99, double Max) TimerLateness()
    {
        double[] sorted;
        lock (recentLateness) sorted = [.. recentLateness.Order()];
        if (sorted.Length == 0) return (0, 0, 0, 0);
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return (sorted.Length, At(0.5), At(0.99), sorted[^1]);
    }

    public void DeadLettered(string subscription, int deliveries) => deadLetters.Add(deliveries, new TagList { { "subscription", subscription } });

    public void QueueDepths(IReadOnlyList<QueueDepth> latest) => depths = latest;

    public void Dispose() => meter.Dispose();
}

/// <summary>Messages waiting in a function's queue (delayed timer messages included) and in its poison queue.</summary>
public sealed record QueueDepth(string Queue, string Function, long Messages, long Poison);
