namespace Integration.Functions.Hosting;

/// <summary>
/// The hub's one clock. In Development only, <c>Hub:Clock:Offset</c> shifts it (e.g. to the evening before a
/// deadline) for tests and benchmarks of the escalation timers; elsewhere it is the system clock.
/// </summary>
public static class HubClock
{
    public static TimeProvider Create(IConfiguration configuration, IHostEnvironment environment)
    {
        var offset = configuration.GetValue<TimeSpan?>("Hub:Clock:Offset");
        return offset is { } o && o != TimeSpan.Zero && environment.IsDevelopment() ? new Shifted(o) : TimeProvider.System;
    }

    private sealed class Shifted(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
