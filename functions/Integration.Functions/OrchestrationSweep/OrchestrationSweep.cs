using Integration.Functions.Hosting;
using Integration.Orchestrations.Assessments;

namespace Integration.Functions;

/// <summary>
/// The assessments' safety net (every 10 seconds by default, <c>Hub:Orchestrations:SweepSchedule</c>): effects a crash
/// left undone are done, assessments whose work stopped are resumed. (Complaints run on the Durable Task engine, which
/// needs no sweep.)
/// </summary>
[TimerTrigger("%Hub:Orchestrations:SweepSchedule%")]
public sealed class OrchestrationSweep(AssessmentDesk assessments, ILogger<OrchestrationSweep> logger) : ITimerFunction
{
    public async Task RunAsync(TimerInvocation invocation, CancellationToken cancellationToken)
    {
        if (await assessments.SweepAsync(cancellationToken) is > 0 and var n) logger.LogInformation("Sweep looked at {Count} assessments", n);
    }
}
