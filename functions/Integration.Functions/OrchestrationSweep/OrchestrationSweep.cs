using Integration.Functions.Hosting;
using Integration.Orchestrations.Assessments;
using Integration.Orchestrations.Complaints;

namespace Integration.Functions;

/// <summary>
/// The orchestrations' safety net (every 10 seconds by default, <c>Hub:Orchestrations:SweepSchedule</c>): effects a
/// crash left undone are done, timers that are overdue (their message lost or late) are fired, assessments whose work
/// stopped are resumed. One run goes on while there is work, up to <c>Hub:Orchestrations:SweepBudget</c> (default 4 minutes).
/// </summary>
[TimerTrigger("%Hub:Orchestrations:SweepSchedule%")]
public sealed class OrchestrationSweep(ComplaintDesk complaints, AssessmentDesk assessments, IConfiguration configuration, ILogger<OrchestrationSweep> logger) : ITimerFunction
{
    public async Task RunAsync(TimerInvocation invocation, CancellationToken cancellationToken)
    {
        if (await assessments.SweepAsync(cancellationToken) is > 0 and var n) logger.LogInformation("Sweep looked at {Count} assessments", n);
        var result = await complaints.SweepAsync(configuration.GetValue("Hub:Orchestrations:SweepBudget", TimeSpan.FromMinutes(4)), cancellationToken);
        if (result.Checked > 0)
            logger.LogInformation("Sweep checked {Checked} complaints: {Effects} effects done, {Fired} overdue timers fired", result.Checked, result.EffectsDone, result.TimersFired);
    }
}
