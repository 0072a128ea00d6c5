using Integration.Functions.Hosting;
using Integration.Orchestrations.Monitoring;

namespace Integration.Functions;

/// <summary>
/// Keeps the monitoring alerts in step with the aggregates (every 15 seconds by default,
/// <c>Hub:Monitoring:SweepSchedule</c>): units whose data changed are evaluated again; once a day every unit and the
/// province-wide rules are (<c>Hub:Monitoring:FullEvaluationInterval</c>, default 1 day).
/// </summary>
[TimerTrigger("%Hub:Monitoring:SweepSchedule%")]
public sealed class MonitoringSweep(MonitoringEngine engine, IConfiguration configuration, ILogger<MonitoringSweep> logger) : ITimerFunction
{
    public async Task RunAsync(TimerInvocation invocation, CancellationToken cancellationToken)
    {
        var (evaluated, changed) = await engine.SweepAsync(
            configuration.GetValue("Hub:Monitoring:SweepBudget", TimeSpan.FromMinutes(4)),
            configuration.GetValue("Hub:Monitoring:FullEvaluationInterval", TimeSpan.FromDays(1)), cancellationToken);
        if (evaluated > 0)
            logger.LogInformation("Monitoring sweep evaluated {Evaluated} units and quarters: {Changed} alerts raised, updated or cleared", evaluated, changed);
    }
}
