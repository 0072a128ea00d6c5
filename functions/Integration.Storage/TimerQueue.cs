using Integration.Domain;

namespace Integration.Storage;

/// <summary>A durable timer: an orchestration instance wants <see cref="TimerId"/> to fire at <see cref="DueAt"/>.</summary>
public sealed record TimerMessage(string Orchestration, string Instance, string TimerId, DateTimeOffset DueAt);

/// <summary>
/// Timers as delayed queue messages. A queue hides a message for at most 7 days, so a later timer is sent with the
/// longest allowed delay (<see cref="MaxDelay"/>, 6 days) and sent again when it surfaces early, until it is due.
/// </summary>
public sealed class TimerQueue(HubStorage storage, string queue, TimeSpan? maxDelay = null)
{
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromDays(6);

    public TimeSpan MaxDelay { get; } = maxDelay ?? DefaultMaxDelay;

    public string Queue => queue;

    public async Task ArmAsync(TimerMessage timer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var delay = timer.DueAt - now;
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        if (delay > MaxDelay) delay = MaxDelay;
        // The queue counts visibility in whole seconds and would drop the fraction: round up, never surface early.
        delay = TimeSpan.FromSeconds(Math.Ceiling(delay.TotalSeconds));
        await storage.Queue(queue).SendMessageAsync(HubJson.Serialize(timer), visibilityTimeout: delay, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: cancellationToken);
    }
}
