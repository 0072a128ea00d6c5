using Integration.Domain;
using Integration.Functions.Hosting;
using Integration.Orchestrations.Assessments;

namespace Integration.Functions;

/// <summary>
/// Starts the assessment of the quarter just ended (R21). The schedule (<c>Hub:Assessments:Schedule</c>, UTC, default
/// 17:30 every day: 01:30 China time) only says when to look; the rule is in China time: the quarter before today's
/// (in China) is assessed unless it has been already. Running every day, a day the hub was down is caught up the next.
/// </summary>
[TimerTrigger("%Hub:Assessments:Schedule%")]
public sealed class AssessmentSchedule(AssessmentDesk desk, CityReports cityReports, TimeProvider time, ILogger<AssessmentSchedule> logger) : ITimerFunction
{
    public async Task RunAsync(TimerInvocation invocation, CancellationToken cancellationToken)
    {
        var today = ChinaTime.DateOf(time.GetUtcNow());
        var quarter = Quarter.Of(today).Previous;
        if (await desk.GetAsync(quarter, cancellationToken) is null)
        {
            logger.LogInformation("Assessment of {Quarter}, the quarter just ended, starts", quarter);
            await desk.StartAsync(quarter, "schedule", cancellationToken);
        }
        var half = HalfYear.Of(today).Previous;
        if (!await cityReports.ExistsAsync(half, cancellationToken))
        {
            logger.LogInformation("City report of {Half} (R22, due before {Due}) generated", half, half.DueBefore);
            await cityReports.GenerateAsync(half, cancellationToken);
        }
    }
}
