namespace Integration.Functions.Hosting;

/// <summary>
/// The hub's one clock. In Development only, <c>Hub:Clock:Offset</c> shifts it (e.g. to the evening before a
/// deadline) for tests and benchmarks of the escalation timers; elsewhere it is the system clock.
/// </summary>
public static class HubClock
{
    public static TimeProvider Create(IConfiguration configuration, IHostEnvironment environment) =>
        Offset(configuration, environment) is var o && o != TimeSpan.Zero ? new Shifted(o) : TimeProvider.System;

    /// <summary>How far the hub clock is ahead of the wall clock: <c>Hub:Clock:Offset</c> in Development, otherwise zero.</summary>
    public static TimeSpan Offset(IConfiguration configuration, IHostEnvironment environment) =>
        environment.IsDevelopment() ? configuration.GetValue<TimeSpan?>("Hub:Clock:Offset") ?? TimeSpan.Zero : TimeSpan.Zero;

    private sealed class Shifted(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
