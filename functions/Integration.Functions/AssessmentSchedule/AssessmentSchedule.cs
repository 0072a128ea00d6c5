using Integration.Domain;
using Integration.Functions.Hosting;
using Integration.Orchestrations.Assessments;

namespace Integration.Functions;

/// <summary>
/// Starts the assessment of the quarter just ended (R21). The schedule (<c>Hub:Assessments:Schedule</c>, UTC, default
/// 17:30 every day: 01:30 China time) only says when to look; the rule is <see cref="AssessmentTiming.Due"/>: the quarter
/// before today's (in China), once <c>Hub:Assessments:SettleDays</c> have passed after it, unless it has been assessed
/// already. Running every day, a day the hub was down is caught up the next.
/// </summary>
[TimerTrigger("%Hub:Assessments:Schedule%")]
public sealed class AssessmentSchedule(AssessmentDesk desk, CityReports cityReports, TimeProvider time, IConfiguration config, ILogger<AssessmentSchedule> logger) : ITimerFunction
{
    public async Task RunAsync(TimerInvocation invocation, CancellationToken cancellationToken)
    {
        var today = ChinaTime.DateOf(time.GetUtcNow());
        if (AssessmentTiming.Due(today, config.GetValue("Hub:Assessments:SettleDays", AssessmentTiming.DefaultSettleDays)) is { } quarter
            && await desk.GetAsync(quarter, cancellationToken) is null)
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
