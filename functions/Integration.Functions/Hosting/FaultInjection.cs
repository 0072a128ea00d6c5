using System.Globalization;

namespace Integration.Functions.Hosting;

/// <summary>
/// Named points where a test can make the process die at once (<c>Hub:Faults:CrashAt</c>, a comma-separated list),
/// to show that a crash at that point loses nothing and counts nothing twice, or wait there
/// (<c>Hub:Faults:DelayAt</c>, <c>point=milliseconds</c> comma-separated), to show what a slow step does. Honoured only
/// in the Development environment; elsewhere the settings are ignored.
/// </summary>
public sealed class FaultInjection
{
    private readonly HashSet<string> crashes = [];
    private readonly HashSet<string> throws = [];
    private readonly Dictionary<string, TimeSpan> delays = [];

    private readonly TimeProvider time;

    public FaultInjection(IConfiguration configuration, IHostEnvironment environment, TimeProvider time)
    {
        this.time = time;
        if (!environment.IsDevelopment()) return;
        foreach (var point in Split(configuration["Hub:Faults:CrashAt"])) crashes.Add(point);
        foreach (var point in Split(configuration["Hub:Faults:ThrowAt"])) throws.Add(point);
        foreach (var entry in Split(configuration["Hub:Faults:DelayAt"]))
            if (entry.Split('=') is [var point, var ms] && int.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
                delays[point.Trim()] = TimeSpan.FromMilliseconds(milliseconds);
            else
                throw new InvalidOperationException($"Hub:Faults:DelayAt: '{entry}' is not point=milliseconds.");
    }

    /// <summary>The named point: waits there (on the hub's clock, without holding a thread), then dies or throws when asked to.</summary>
    public async Task AtAsync(string point, CancellationToken cancellationToken)
    {
        if (delays.TryGetValue(point, out var delay)) await Task.Delay(delay, time, cancellationToken);
        if (crashes.Contains(point)) Environment.FailFast($"Fault injected at {point}.");
        if (throws.Contains(point)) throw new InvalidOperationException($"Fault injected at {point}.");
    }

    private static string[] Split(string? setting) =>
        string.IsNullOrWhiteSpace(setting) ? [] : setting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
