namespace Integration.Functions.Hosting;

/// <summary>
/// Named points where a test can make the process die at once (<c>Hub:Faults:CrashAt</c>, a comma-separated list),
/// to show that a crash at that point loses nothing and counts nothing twice. Honoured only in the Development
/// environment; elsewhere the setting is ignored.
/// </summary>
public sealed class FaultInjection
{
    private readonly HashSet<string> points;

    public FaultInjection(IConfiguration configuration, IHostEnvironment environment)
    {
        var setting = configuration["Hub:Faults:CrashAt"];
        points = environment.IsDevelopment() && !string.IsNullOrWhiteSpace(setting)
            ? [.. setting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
            : [];
    }

    public void At(string point)
    {
        if (points.Contains(point)) Environment.FailFast($"Fault injected at {point}.");
    }
}
